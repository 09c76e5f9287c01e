//! Router tests for the dashboard pages: login (CSRF, rate limit, cookies), overview, provider,
//! queue and planning pages in English and Spanish.
