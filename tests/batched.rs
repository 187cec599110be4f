//! Batched matrices: every product against a naive per-item f64 reference, every backward against
//! central differences, the broadcast weight gradient against the sum of per-item gradients, and
//! the run-time errors of `Dyn` sizes.

use shapegrad::{
    Batched, BatchedGrads, BatchedMatMul, BroadcastGrads, BroadcastMatMul, Const, Dim, Dyn, MatMul,
    Matrix, ShapeError, Write, dim, gradcheck,
};

/// `a · b` item by item, by three loops in f64, reading both through `get` (so through strides).
fn naive<B: Dim, I: Dim, K: Dim, K2: Dim, J: Dim>(
    a: shapegrad::BatchedRef<'_, B, I, K, f64>,
    b: shapegrad::BatchedRef<'_, B, K2, J, f64>,
) -> Vec<f64> {
    let mut out = Vec::new();
    for k in 0..a.batch() {
        for i in 0..a.rows() {
            for j in 0..b.cols() {
                out.push(
                    (0..a.cols())
                        .map(|p| a.get(k, i, p).unwrap() * b.get(k, p, j).unwrap())
                        .sum(),
                );
            }
        }
    }
    out
}

fn close(a: &[f64], b: &[f64]) {
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(b) {
        assert!((x - y).abs() <= 1e-12 * (1.0 + y.abs()), "{x} vs {y}");
    }
}

dim!(Heads = 3, Seq = 4, HeadDim = 5, Hidden = 6);

#[test]
fn accessors_and_items_are_views_of_one_buffer() {
    let x = Batched::<Const<2>, Const<3>, Const<4>, f64>::from_fn(|k, i, j| {
        (100 * k + 10 * i + j) as f64
    });
    assert_eq!((x.batch(), x.rows(), x.cols()), (2, 3, 4));
    assert_eq!(x.as_slice().len(), 24);
    assert_eq!(x.as_slice()[12], 100.0);
    assert_eq!(x.get(1, 2, 3), Some(123.0));
    assert_eq!(x.get(2, 0, 0), None);
    let item = x.item(1);
    assert_eq!(item.get(2, 1), Some(121.0));
    assert_eq!(x.items().len(), 2);
    for (k, it) in x.items().enumerate() {
        assert_eq!(
            it.to_matrix(),
            Matrix::from_fn(|i, j| (100 * k + 10 * i + j) as f64)
        );
    }
    let xt = x.t();
    assert_eq!((xt.batch(), xt.rows(), xt.cols()), (2, 4, 3));
    assert_eq!(xt.get(1, 3, 2), Some(123.0));
    assert_eq!(xt.item(0).to_matrix(), x.item(0).t().to_matrix());
    assert_eq!(xt.t().to_batched(), x);

    let mut y = x.clone();
    y.item_mut(1)[0] = -1.0;
    assert_eq!(y.get(1, 0, 0), Some(-1.0));
    for (k, it) in y.items_mut().enumerate() {
        it.fill(k as f64);
    }
    assert_eq!(y.get(1, 2, 3), Some(1.0));
    assert_eq!(y.get(0, 2, 3), Some(0.0));

    let flat = x.flat();
    assert_eq!((flat.rows(), flat.cols()), (6, 4));
    let back = Batched::try_from_flat(Const::<2>, Const::<3>, x.clone().into_flat()).unwrap();
    assert_eq!(back, x);
    let err = Batched::try_from_flat(Const::<4>, Const::<3>, x.into_flat()).unwrap_err();
    assert!(matches!(
        err,
        ShapeError::Mismatch {
            expected: (12, 4),
            given: (6, 4),
            ..
        }
    ));
}

#[test]
fn items_alias_the_buffer() {
    let x = Batched::<Dyn, Dyn, Dyn, f64>::rand_with(Dyn(3), Dyn(2), Dyn(2), 7);
    for k in 0..3 {
        // Item k starts at k·R·C of the one buffer, row-major.
        let it = x.item(k);
        assert_eq!((it.row_stride(), it.col_stride()), (2, 1));
        assert_eq!(it.get(1, 1), Some(x.as_slice()[4 * k + 3]));
        let t = x.t().item(k);
        assert_eq!((t.row_stride(), t.col_stride()), (1, 2));
    }
}

#[test]
fn constructors_check_lengths() {
    let err = Batched::<Const<2>, Const<2>, Const<3>>::try_from_vec(vec![0.0; 11]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "a 4×3 matrix needs 12 elements, but 11 were given"
    );
    let ok =
        Batched::<Const<2>, Const<2>, Const<3>>::try_from_vec((0..12).map(|v| v as f32).collect())
            .unwrap();
    assert_eq!(ok.get(1, 0, 0), Some(6.0));
    assert_eq!(
        Batched::<Const<2>, Const<2>, Const<3>>::ones().as_slice(),
        &[1.0; 12]
    );
    assert_eq!(
        Batched::<Const<2>, Const<2>, Const<3>>::zeros().as_slice(),
        &[0.0; 12]
    );
    assert_eq!(
        Batched::<Const<2>, Const<2>, Const<3>, f64>::rand(3).as_slice(),
        Matrix::<Const<4>, Const<3>, f64>::rand(3).as_slice()
    );
}

#[test]
fn batched_products_match_the_naive_reference_static() {
    let q = Batched::<Heads, Seq, HeadDim, f64>::rand(1);
    let k = Batched::<Heads, Seq, HeadDim, f64>::rand(2);
    let s: Batched<Heads, Seq, Seq, f64> = q.matmul(k.t());
    close(s.as_slice(), &naive(q.view(), k.t()));
    let v = Batched::<Heads, Seq, Hidden, f64>::rand(3);
    let o: Batched<Heads, Seq, Hidden, f64> = s.matmul(&v);
    close(o.as_slice(), &naive(s.view(), v.view()));
    // Left operand transposed.
    let g: Batched<Heads, HeadDim, Hidden, f64> = q.t().matmul(&v);
    close(g.as_slice(), &naive(q.t(), v.view()));
    // Both transposed.
    let h: Batched<Heads, Hidden, HeadDim, f64> = v.t().matmul(q.view());
    close(h.as_slice(), &naive(v.t(), q.view()));
    let hh: Batched<Heads, HeadDim, HeadDim, f64> = q.t().matmul(k.t().t());
    close(hh.as_slice(), &naive(q.t(), k.view()));
}

#[test]
fn batched_products_match_the_naive_reference_dyn_and_mixed() {
    for (b, i, kk, j) in [
        (3, 2, 4, 5),
        (0, 2, 3, 4),
        (2, 0, 3, 4),
        (2, 3, 0, 4),
        (2, 3, 4, 0),
        (1, 1, 1, 1),
    ] {
        let a = Batched::<Dyn, Dyn, Dyn, f64>::rand_with(Dyn(b), Dyn(i), Dyn(kk), 1);
        let c = Batched::<Dyn, Dyn, Dyn, f64>::rand_with(Dyn(b), Dyn(j), Dyn(kk), 2);
        let y = a.matmul(c.t());
        assert_eq!((y.batch(), y.rows(), y.cols()), (b, i, j));
        close(y.as_slice(), &naive(a.view(), c.t()));
        // Mixed: a static inner dimension meets a Dyn one (checked at run time).
        let m = Batched::<Dyn, Dyn, Dyn, f64>::rand_with(Dyn(b), Dyn(kk), Dyn(j), 3);
        let y2 = a.matmul(&m);
        close(y2.as_slice(), &naive(a.view(), m.view()));
    }
    // Static batch and rows, Dyn inner on one side only.
    let a = Batched::<Const<2>, Const<3>, Dyn, f64>::rand_with(Const, Const, Dyn(4), 4);
    let c = Batched::<Const<2>, Const<4>, Const<5>, f64>::rand(5);
    let y: Batched<Const<2>, Const<3>, Const<5>, f64> = a.matmul(&c);
    close(y.as_slice(), &naive(a.view(), c.view()));
}

#[test]
fn into_overwrites_and_accumulates() {
    let q = Batched::<Heads, Seq, HeadDim, f64>::rand(1);
    let k = Batched::<Heads, Seq, HeadDim, f64>::rand(2);
    let want = naive(q.view(), k.t());
    let mut out = Batched::<Heads, Seq, Seq, f64>::filled_with(Heads, Seq, Seq, 9.0);
    q.matmul_into(k.t(), &mut out, Write::Overwrite);
    close(out.as_slice(), &want);
    q.matmul_into(k.t(), &mut out, Write::Accumulate);
    let twice: Vec<f64> = want.iter().map(|v| 2.0 * v).collect();
    close(out.as_slice(), &twice);
    // A `&BatchedRef` is an operand too.
    let (kt, qv) = (k.t(), q.view());
    let kt: &shapegrad::BatchedRef<'_, _, _, _, f64> = &kt;
    qv.matmul_into(kt, &mut out, Write::Overwrite);
    close(out.as_slice(), &want);

    let w = Matrix::<HeadDim, Hidden, f64>::rand(3);
    let mut y = Batched::<Heads, Seq, Hidden, f64>::filled_with(Heads, Seq, Hidden, 1.0);
    q.matmul_broadcast_into(&w, &mut y, Write::Accumulate);
    for kk in 0..3 {
        let r = q.item(kk).matmul(&w);
        for i in 0..4 {
            for j in 0..6 {
                assert!((y.get(kk, i, j).unwrap() - 1.0 - r[(i, j)]).abs() < 1e-12);
            }
        }
    }
}

#[test]
fn broadcast_matches_per_item_products() {
    for b in [0, 1, 3] {
        let x = Batched::<Dyn, Seq, HeadDim, f64>::rand_with(Dyn(b), Seq, HeadDim, 1);
        let w = Matrix::<HeadDim, Hidden, f64>::rand(2);
        let y: Batched<Dyn, Seq, Hidden, f64> = x.matmul_broadcast(&w);
        assert_eq!(y.batch(), b);
        for (k, it) in y.items().enumerate() {
            let r: Matrix<Seq, Hidden, f64> = x.item(k).matmul(&w);
            close(it.to_matrix().as_slice(), r.as_slice());
        }
        // A transposed weight: X · (Wᵀ)ᵀ.
        let wt = w.transpose();
        let y2: Batched<Dyn, Seq, Hidden, f64> = x.matmul_broadcast(wt.t());
        close(y2.as_slice(), y.as_slice());
    }
    // Dyn weight rows against static item columns: checked at run time.
    let x = Batched::<Const<2>, Const<3>, Const<4>, f64>::rand(1);
    let w = Matrix::<Dyn, Const<5>, f64>::rand_with(Dyn(4), Const, 2);
    let y = x.matmul_broadcast(&w);
    assert_eq!((y.batch(), y.rows(), y.cols()), (2, 3, 5));
}

#[test]
fn dyn_mismatches_are_errors_naming_both_sizes() {
    let a = Batched::<Dyn, Dyn, Dyn, f64>::zeros_with(Dyn(2), Dyn(3), Dyn(4));
    let b = Batched::<Dyn, Dyn, Dyn, f64>::zeros_with(Dyn(5), Dyn(4), Dyn(6));
    let err = a.try_matmul(&b).unwrap_err();
    assert_eq!(
        err,
        ShapeError::BatchCount {
            op: "batched matmul: the right operand has the left operand's batch size",
            expected: 2,
            given: 5
        }
    );
    assert_eq!(
        err.to_string(),
        "batched matmul: the right operand has the left operand's batch size: expected a batch \
         of 2 items, but a batch of 5 items was given"
    );
    let c = Batched::<Dyn, Dyn, Dyn, f64>::zeros_with(Dyn(2), Dyn(3), Dyn(6));
    let err = a.try_matmul(&c).unwrap_err();
    assert_eq!(
        err,
        ShapeError::Inner {
            lhs: (3, 4),
            rhs: (3, 6)
        }
    );
    assert!(
        err.to_string()
            .contains("the left operand would be 4×3 and agree")
    );

    // Destinations of the wrong batch or shape are refused and left untouched.
    let d = Batched::<Dyn, Dyn, Dyn, f64>::rand_with(Dyn(2), Dyn(4), Dyn(6), 1);
    let mut out = Batched::<Dyn, Dyn, Dyn, f64>::filled_with(Dyn(3), Dyn(3), Dyn(6), 7.0);
    let err = a
        .try_matmul_into(&d, &mut out, Write::Overwrite)
        .unwrap_err();
    assert!(matches!(
        err,
        ShapeError::BatchCount {
            expected: 2,
            given: 3,
            ..
        }
    ));
    assert!(out.as_slice().iter().all(|&v| v == 7.0));
    let mut out = Batched::<Dyn, Dyn, Dyn, f64>::filled_with(Dyn(2), Dyn(3), Dyn(5), 7.0);
    let err = a
        .try_matmul_into(&d, &mut out, Write::Overwrite)
        .unwrap_err();
    assert!(matches!(
        err,
        ShapeError::Mismatch {
            expected: (3, 6),
            given: (3, 5),
            ..
        }
    ));
    assert!(out.as_slice().iter().all(|&v| v == 7.0));

    // The broadcast weight.
    let w = Matrix::<Dyn, Dyn, f64>::zeros_with(Dyn(5), Dyn(2));
    let err = a.try_matmul_broadcast(&w).unwrap_err();
    assert_eq!(
        err,
        ShapeError::Inner {
            lhs: (3, 4),
            rhs: (5, 2)
        }
    );
    let mut out = Batched::<Dyn, Dyn, Dyn, f64>::filled_with(Dyn(1), Dyn(3), Dyn(2), 7.0);
    let w = Matrix::<Dyn, Dyn, f64>::zeros_with(Dyn(4), Dyn(2));
    let err = a
        .try_matmul_broadcast_into(&w, &mut out, Write::Overwrite)
        .unwrap_err();
    assert!(matches!(
        err,
        ShapeError::BatchCount {
            expected: 2,
            given: 1,
            ..
        }
    ));

    // Backward with a dY of the wrong batch.
    let mm = BatchedMatMul::forward(&a, &d);
    let dy = Batched::<Dyn, Dyn, Dyn, f64>::zeros_with(Dyn(1), Dyn(3), Dyn(6));
    let mut grads = BatchedGrads {
        da: Batched::zeros_with(Dyn(2), Dyn(3), Dyn(4)),
        db: Batched::zeros_with(Dyn(2), Dyn(4), Dyn(6)),
    };
    let err = mm
        .try_backward_into(&dy, &mut grads, Write::Overwrite)
        .unwrap_err();
    assert!(matches!(
        err,
        ShapeError::BatchCount {
            expected: 2,
            given: 1,
            ..
        }
    ));
}

#[test]
#[should_panic(expected = "expected a batch of 2 items, but a batch of 5 items was given")]
fn matmul_panics_with_the_error() {
    let a = Batched::<Dyn, Const<3>, Const<4>>::zeros_with(Dyn(2), Const, Const);
    let b = Batched::<Dyn, Const<4>, Const<6>>::zeros_with(Dyn(5), Const, Const);
    let _ = a.matmul(&b);
}

#[test]
fn runtime_batch_dims() {
    dim!(Tokens = dyn);
    let t = Tokens::bind(3).unwrap();
    let a = Batched::<Tokens, Seq, HeadDim, f64>::rand_with(t, Seq, HeadDim, 1);
    let b = Batched::<Tokens, Seq, HeadDim, f64>::rand_with(t, Seq, HeadDim, 2);
    let s: Batched<Tokens, Seq, Seq, f64> = a.matmul(b.t());
    close(s.as_slice(), &naive(a.view(), b.t()));
}

/// `Σ y ⊙ r`, the scalar whose gradient with respect to `y` is `r`.
fn dot(y: &[f64], r: &[f64]) -> f64 {
    y.iter().zip(r).map(|(a, b)| a * b).sum()
}

#[test]
fn batched_backward_passes_gradcheck() {
    // Static: Q·Kᵀ per head; the gradient of K is the transpose of the gradient of Kᵀ.
    let q = Batched::<Heads, Seq, HeadDim, f64>::rand(1);
    let k = Batched::<Heads, Seq, HeadDim, f64>::rand(2);
    let r = Batched::<Heads, Seq, Seq, f64>::rand(3);
    let mm = BatchedMatMul::forward(&q, k.t());
    let BatchedGrads { da, db } = mm.backward(&r);
    let da: Batched<Heads, Seq, HeadDim, f64> = da;
    let db: Batched<Heads, HeadDim, Seq, f64> = db;
    let dk = db.t().to_batched();
    let loss = |(q, k): &(Matrix<Dyn, HeadDim, f64>, Matrix<Dyn, HeadDim, f64>)| {
        let q = Batched::try_from_flat(Heads, Seq, q.clone()).unwrap();
        let k = Batched::try_from_flat(Heads, Seq, k.clone()).unwrap();
        dot(q.matmul(k.t()).as_slice(), r.as_slice())
    };
    let report = gradcheck::check(
        &(q.clone().into_flat(), k.clone().into_flat()),
        &(da.into_flat(), dk.into_flat()),
        loss,
    );
    report.assert_within(gradcheck::tolerance(5));

    // Dyn and mixed, including an empty batch and empty rows.
    for (b, i, kk, j) in [(2, 3, 4, 2), (0, 3, 4, 2), (2, 0, 4, 2), (1, 2, 1, 3)] {
        let a = Batched::<Dyn, Dyn, Const<4>, f64>::rand_with(Dyn(b), Dyn(i), Const, 4);
        let c = Batched::<Dyn, Dyn, Dyn, f64>::rand_with(Dyn(b), Dyn(4), Dyn(j), 5);
        let _ = kk;
        let r = Batched::<Dyn, Dyn, Dyn, f64>::rand_with(Dyn(b), Dyn(i), Dyn(j), 6);
        let mm = BatchedMatMul::forward(&a, &c);
        // The gradient of a Dyn operand takes the left operand's static inner dimension.
        let g: BatchedGrads<Dyn, Dyn, Const<4>, Dyn, f64> = mm.backward(&r);
        let loss = |(a, c): &(Matrix<Dyn, Const<4>, f64>, Matrix<Dyn, Dyn, f64>)| {
            let a = Batched::try_from_flat(Dyn(b), Dyn(i), a.clone()).unwrap();
            let c = Batched::try_from_flat(Dyn(b), Dyn(4), c.clone()).unwrap();
            dot(a.matmul(&c).as_slice(), r.as_slice())
        };
        let db: Matrix<Dyn, Dyn, f64> = g.db.into_flat().try_into_dims().unwrap();
        let report = gradcheck::check(
            &(a.clone().into_flat(), c.clone().into_flat()),
            &(g.da.into_flat(), db),
            loss,
        );
        report.assert_within(gradcheck::tolerance(4));
    }
}

#[test]
fn batched_backward_into_accumulates() {
    let q = Batched::<Heads, Seq, HeadDim, f64>::rand(1);
    let v = Batched::<Heads, HeadDim, Hidden, f64>::rand(2);
    let dy = Batched::<Heads, Seq, Hidden, f64>::rand(3);
    let mm = BatchedMatMul::forward(&q, &v);
    close(mm.output().as_slice(), &naive(q.view(), v.view()));
    let once = mm.backward(&dy);
    let mut grads = once.clone();
    mm.backward_into(&dy, &mut grads, Write::Accumulate);
    let twice: Vec<f64> = once.da.as_slice().iter().map(|v| 2.0 * v).collect();
    close(grads.da.as_slice(), &twice);
    let twice: Vec<f64> = once.db.as_slice().iter().map(|v| 2.0 * v).collect();
    close(grads.db.as_slice(), &twice);
    // Per item, the batched gradients are the 2-D ones.
    for k in 0..3 {
        let m = MatMul::forward(q.item(k), v.item(k));
        let g = m.backward(&dy.item(k).to_matrix());
        close(once.da.item(k).to_matrix().as_slice(), g.dx.as_slice());
        close(once.db.item(k).to_matrix().as_slice(), g.da.as_slice());
    }
    assert_eq!(mm.into_output().dims(), (Heads, Seq, Hidden));
}

#[test]
fn broadcast_backward_passes_gradcheck_and_sums_over_items() {
    for b in [0usize, 1, 3] {
        let x = Batched::<Dyn, Seq, HeadDim, f64>::rand_with(Dyn(b), Seq, HeadDim, 1);
        let w = Matrix::<HeadDim, Hidden, f64>::rand(2);
        let r = Batched::<Dyn, Seq, Hidden, f64>::rand_with(Dyn(b), Seq, Hidden, 3);
        let mm = BroadcastMatMul::forward(&x, &w);
        close(mm.output().as_slice(), x.matmul_broadcast(&w).as_slice());
        let BroadcastGrads { dx, dw } = mm.backward(&r);
        let dw: Matrix<HeadDim, Hidden, f64> = dw;

        // The weight gradient is the sum over items of the per-item 2-D gradients.
        let mut sum = Matrix::<HeadDim, Hidden, f64>::zeros();
        for k in 0..b {
            let m = MatMul::forward(x.item(k), &w);
            let g = m.backward(&r.item(k).to_matrix());
            sum += &g.da;
            close(dx.item(k).to_matrix().as_slice(), g.dx.as_slice());
        }
        close(dw.as_slice(), sum.as_slice());

        let loss = |(x, w): &(Matrix<Dyn, HeadDim, f64>, Matrix<HeadDim, Hidden, f64>)| {
            let x = Batched::try_from_flat(Dyn(b), Seq, x.clone()).unwrap();
            dot(x.matmul_broadcast(w).as_slice(), r.as_slice())
        };
        let report = gradcheck::check(
            &(x.clone().into_flat(), w.clone()),
            &(dx.into_flat(), dw),
            loss,
        );
        report.assert_within(gradcheck::tolerance(4 * b.max(1)));

        // Accumulate doubles both.
        let mut grads = mm.backward(&r);
        mm.backward_into(&r, &mut grads, Write::Accumulate);
        close(
            grads.dw.as_slice(),
            &sum.as_slice().iter().map(|v| 2.0 * v).collect::<Vec<_>>(),
        );
    }
}

#[test]
fn broadcast_backward_refuses_wrong_buffers() {
    let x = Batched::<Dyn, Dyn, Dyn, f64>::rand_with(Dyn(2), Dyn(3), Dyn(4), 1);
    let w = Matrix::<Dyn, Dyn, f64>::rand_with(Dyn(4), Dyn(5), 2);
    let mm = BroadcastMatMul::forward(&x, &w);
    let dy = Batched::<Dyn, Dyn, Dyn, f64>::rand_with(Dyn(2), Dyn(3), Dyn(5), 3);
    let mut grads = BroadcastGrads {
        dx: Batched::filled_with(Dyn(2), Dyn(3), Dyn(4), 7.0),
        dw: Matrix::filled_with(Dyn(5), Dyn(4), 7.0),
    };
    let err = mm
        .try_backward_into(&dy, &mut grads, Write::Overwrite)
        .unwrap_err();
    assert!(matches!(
        err,
        ShapeError::Mismatch {
            expected: (4, 5),
            given: (5, 4),
            ..
        }
    ));
    assert!(grads.dx.as_slice().iter().all(|&v| v == 7.0));
    let err = BroadcastMatMul::try_forward(&x, w.t()).unwrap_err();
    assert_eq!(
        err,
        ShapeError::Inner {
            lhs: (3, 4),
            rhs: (5, 4)
        }
    );
}
