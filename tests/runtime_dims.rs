//! Runtime dimensions (`dim!(Name = dyn)`): bound once, then checked by the types; every way a
//! size can disagree with the binding is a `ShapeError::Bound` naming the dimension.

mod common;

use shapegrad::{Const, Dim, Dyn, KnownDim, MatRef, Matrix, ShapeError, dim};

dim!(Samples = dyn, Features = 3, Hidden = dyn);

/// The binding is global, so every test here binds the dimensions it uses to the same sizes.
fn samples() -> Samples {
    Samples::bind(5).expect("every test binds Samples to 5")
}

fn hidden() -> Hidden {
    Hidden::bind(4).expect("every test binds Hidden to 4")
}

#[test]
fn products_of_runtime_dims_need_no_run_time_check_and_are_right() {
    let (s, h) = (samples(), hidden());
    let x = Matrix::<Samples, Features>::rand_with(s, Features, 1);
    let w = Matrix::<Features, Hidden>::rand_with(Features, h, 2);
    let y: Matrix<Samples, Hidden> = x.matmul(&w);
    let gram: Matrix<Hidden, Hidden> = y.t().matmul(&y);
    assert_eq!((gram.rows(), gram.cols()), (4, 4));
    common::assert_product(&y, &common::Dense::of(&x), &common::Dense::of(&w));
}

#[test]
fn a_runtime_dim_meets_dyn_with_a_run_time_check() {
    let s = samples();
    let x = Matrix::<Features, Samples>::zeros_with(Features, s);
    let good = Matrix::<Dyn, Const<2>>::zeros_with(Dyn(5), Const);
    let bad = Matrix::<Dyn, Const<2>>::zeros_with(Dyn(6), Const);
    let y: Matrix<Features, Const<2>> = x.matmul(&good);
    assert_eq!(y.rows(), 3);
    let err = x.try_matmul(&bad).unwrap_err();
    assert_eq!(
        err,
        ShapeError::Inner {
            lhs: (3, 5),
            rhs: (6, 2)
        }
    );
}

#[test]
fn converting_from_dyn_checks_the_binding_and_names_the_dim() {
    samples();
    let raw = Matrix::<Dyn, Features>::zeros_with(Dyn(5), Features);
    let x: Matrix<Samples, Features> = raw.try_into_dims().unwrap();
    assert_eq!(x.dims().0, samples());

    let wrong = Matrix::<Dyn, Features>::zeros_with(Dyn(7), Features);
    let err = wrong.try_into_dims::<Samples, Features>().unwrap_err();
    assert_eq!(
        err,
        ShapeError::Bound {
            dim: "Samples",
            bound: 5,
            given: 7
        }
    );
    assert_eq!(
        err.to_string(),
        "the runtime dimension `Samples` is bound to 5, but 7 was given"
    );

    let buf = [0.0f32; 12];
    let view = MatRef::try_from_slice(Dyn(4), Features, &buf).unwrap();
    assert_eq!(view.dims().0, Dyn(4));
}

#[test]
fn data_of_another_length_names_the_dim_it_disagrees_with() {
    let (s, h) = (samples(), hidden());
    // Six whole rows of three, where `Samples` is bound to five.
    let err = Matrix::<Samples, Features>::try_from_vec_with(s, Features, vec![0.0; 18]);
    assert_eq!(
        err.unwrap_err(),
        ShapeError::Bound {
            dim: "Samples",
            bound: 5,
            given: 6
        }
    );
    // Three whole columns of three, where `Hidden` is bound to four.
    let err = Matrix::<Features, Hidden>::try_from_vec_with(Features, h, vec![0.0; 9]);
    assert_eq!(
        err.unwrap_err(),
        ShapeError::Bound {
            dim: "Hidden",
            bound: 4,
            given: 3
        }
    );
    // Not a whole number of rows: the lengths are what differs.
    let err = Matrix::<Samples, Features>::try_from_vec_with(s, Features, vec![0.0; 16]);
    assert_eq!(
        err.unwrap_err(),
        ShapeError::Length {
            rows: 5,
            cols: 3,
            expected: 15,
            given: 16
        }
    );
    // Both runtime: no one dimension is to blame.
    let err = Matrix::<Samples, Hidden>::try_from_vec_with(s, h, vec![0.0; 24]);
    assert!(matches!(err, Err(ShapeError::Length { .. })));
    let ok = Matrix::<Samples, Features>::try_from_vec_with(s, Features, vec![1.0; 15]).unwrap();
    assert_eq!(ok.as_slice().len(), 15);
}

#[test]
fn concurrent_bindings_agree_on_one_size() {
    dim!(Raced = dyn);
    let results: Vec<Result<Raced, ShapeError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|i| scope.spawn(move || Raced::bind(10 + i % 2)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let winner = Raced::bound().expect("bound by one of the threads").size();
    for r in results {
        match r {
            Ok(d) => assert_eq!(d.size(), winner),
            Err(ShapeError::Bound { dim, bound, given }) => {
                assert_eq!((dim, bound), ("Raced", winner));
                assert_ne!(given, winner);
            }
            Err(e) => panic!("unexpected error: {e}"),
        }
    }
}

#[test]
fn runtime_dims_are_known_dims_and_carry_their_size() {
    fn known<D: KnownDim>(d: D) -> usize {
        d.size()
    }
    assert_eq!(known(samples()), 5);
    assert_eq!(known(Features), 3);
    assert_eq!(<Samples as Dim>::FIXED, None);
    assert_eq!(<Samples as Dim>::type_size(), Some(5));
    assert_eq!(<Samples as Dim>::RUNTIME_NAME, Some("Samples"));
    assert_eq!(size_of::<Samples>(), size_of::<usize>());
    dim!(Unbound = dyn);
    assert_eq!(<Unbound as Dim>::type_size(), None);
    assert_eq!(Unbound::bound(), None);
}
