//! End-to-end in a real headless browser (placeholder until the browser driver lands).
