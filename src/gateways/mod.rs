//! One module per gateway. Each knows its own wire format, signature rules and status words, and
//! nothing of the others.

pub mod bieases;
pub mod bluepay;
pub mod payermax;
pub mod wisepay;
