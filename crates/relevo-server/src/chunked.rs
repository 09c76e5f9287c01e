//! Report bodies sent in pieces: the rows are written as JSON or CSV a thousand at a time while the
//! client reads, so the server never holds the whole document (a report at the row limit is tens
//! of megabytes of text) beside the rows. A client that goes away stops the writing.

use axum::body::{Body, Bytes};
use relevo_metrics::report::{
    CSV_COLUMNS, CsvWriter, JSON_TAIL, ReportRow, ReportSpec, push_json_head, push_json_row,
};
use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Rows per piece.
const ROWS_PER_CHUNK: usize = 1_000;

/// The body `to_json` or `to_csv` would give for `rows`, written piece by piece on a blocking
/// thread. Must be called within the server's runtime.
pub fn report_body(rows: Vec<ReportRow>, spec: ReportSpec, csv: bool) -> Body {
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(2);
    tokio::runtime::Handle::current().spawn_blocking(move || {
        let mut out = String::with_capacity(ROWS_PER_CHUNK * 600 + 400);
        let mut writer = CsvWriter::new(&spec.tz);
        if csv {
            out.push_str(CSV_COLUMNS);
            out.push('\n');
        } else {
            push_json_head(&mut out, &spec);
        }
        for (i, chunk) in rows.chunks(ROWS_PER_CHUNK).enumerate() {
            for (j, r) in chunk.iter().enumerate() {
                if csv {
                    writer.row(&mut out, r);
                } else {
                    if i + j > 0 {
                        out.push(',');
                    }
                    push_json_row(&mut out, r, &spec);
                }
            }
            let piece = Bytes::from(std::mem::take(&mut out));
            if tx.blocking_send(piece).is_err() {
                return; // the client went away
            }
        }
        if !csv {
            out.push_str(JSON_TAIL);
        }
        if !out.is_empty() {
            let _ = tx.blocking_send(Bytes::from(out));
        }
    });
    Body::new(Pieces(rx))
}

struct Pieces(tokio::sync::mpsc::Receiver<Bytes>);

impl http_body::Body for Pieces {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Infallible>>> {
        self.0
            .poll_recv(cx)
            .map(|piece| piece.map(|b| Ok(http_body::Frame::data(b))))
    }
}
