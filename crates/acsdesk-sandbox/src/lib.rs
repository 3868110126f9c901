//! A GenieACS-compatible northbound (NBI) server backed by a simulated fleet of routers:
//! the embedded demo, the backbone of the integration tests and the benchmarks' load
//! generator. It simulates what a GenieACS server holds and does; it never speaks TR-069.
