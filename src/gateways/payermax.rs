//! payermax: not built yet.

use crate::config::Config;
use crate::gateway::Gateway;
use crate::{Error, Result};

pub fn from_config(_config: &mut Config) -> Result<Box<dyn Gateway>> {
    Err(Error::config_field(
        "gateway",
        "the payermax gateway is not available in this build yet",
    ))
}
