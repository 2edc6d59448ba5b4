//! `with_*` setters for the option structs: every option struct is `#[non_exhaustive]` (a new
//! option is not a breaking change), so code outside the crate builds one from its `Default` (or
//! `new`) and these setters, e.g. `WhaleOptions::default().with_points(11)`.

/// Implements, for each `with_name => field: Type`, a `#[must_use]` setter
/// `fn with_name(self, value: Type) -> Self` on the options struct; after `some:`, the field is
/// an `Option<Type>` and the setter stores `Some(value)`.
macro_rules! with_setters {
    ($ty:ty { some: $($setter:ident => $field:ident: $fty:ty),+ $(,)? }) => {
        impl $ty {
            $(
                #[doc = concat!("The options with [`", stringify!($field), "`](Self::",
                    stringify!($field), ") set to `Some(value)`.")]
                #[must_use]
                pub fn $setter(mut self, value: $fty) -> Self {
                    self.$field = Some(value);
                    self
                }
            )+
        }
    };
    ($ty:ty { $($setter:ident => $field:ident: $fty:ty),+ $(,)? }) => {
        impl $ty {
            $(
                #[doc = concat!("The options with [`", stringify!($field), "`](Self::",
                    stringify!($field), ") set to `value`.")]
                #[must_use]
                pub fn $setter(mut self, value: $fty) -> Self {
                    self.$field = value;
                    self
                }
            )+
        }
    };
}
pub(crate) use with_setters;
