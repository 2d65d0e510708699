//! Admission plugins: the checks and changes the API server makes to a new object after
//! defaulting and before it is stored, in upstream's order (LimitRanger, then
//! ResourceQuota last).

pub mod limit_ranger;
pub mod resource_quota;

use crate::api::Kind;
use crate::apiserver::ApiError;

/// A 403 as admission plugins return it: `<resource> "<name>" is forbidden: <reason>`.
/// `name` is the object's name, or its `generateName` when the name is not chosen yet.
pub fn forbidden(kind: Kind, name: &str, reason: &str) -> ApiError {
    ApiError { code: 403, reason: "Forbidden".into(), message: format!("{} {name:?} is forbidden: {reason}", kind.resource()) }
}

/// Several failures as one message, the way Go's error aggregate prints them: one alone,
/// or `[a, b]`.
pub fn aggregate(errors: &[String]) -> String {
    if errors.len() == 1 { errors[0].clone() } else { format!("[{}]", errors.join(", ")) }
}
