//! Typed async client of the GenieACS 1.2 northbound (NBI) REST API, shaped like octocrab:
//! a handler per resource, a builder per operation, models apart from builders. It knows
//! nothing of AcsDesk's database.
