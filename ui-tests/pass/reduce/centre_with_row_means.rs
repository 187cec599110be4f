// Centring each feature: the mean over the batch (`col_means`, a `1 × Features` row) is taken
// from every row; the mean of each example (`row_means`, a `Batch × 1` column) is not a row.
use shapegrad::{Matrix, dim};

dim!(Batch = 4, Features = 3);

fn main() {
    let x = Matrix::<Batch, Features>::rand(1);
    let minus_mean = &x.col_means() * -1.0;
    let mut centred = x.clone();
    centred.add_row_to_each(&minus_mean);
}
