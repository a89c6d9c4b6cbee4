//! Diagnostics endpoints on [axum] (feature `http`):
//!
//! | route | does |
//! | --- | --- |
//! | `GET /api/diagnostics/resources` | a [`ResourceSnapshot`](crate::ResourceSnapshot) as JSON |
//! | `POST /api/diagnostics/resources/cleanup` | runs [`ResourceTracker::cleanup`], returns the snapshot after |
//! | `GET /api/diagnostics/processes` | the attached manager's [`ProcessInfo`](crate::ProcessInfo) list (`[]` without one) |
//!
//! Merge [`router`] into an existing axum app, or run it alone with [`serve`]:
//!
//! ```no_run
//! use std::sync::Arc;
//! use leaklint_runtime::{ProcessManager, ResourceTracker};
//!
//! # async fn run() -> std::io::Result<()> {
//! let manager = Arc::new(ProcessManager::new());
//! let tracker = Arc::new(ResourceTracker::builder().process_manager(manager).build());
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! leaklint_runtime::http::serve(listener, tracker).await
//! # }
//! ```

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;

use crate::ResourceTracker;

/// The diagnostics routes, sharing `tracker`.
pub fn router(tracker: Arc<ResourceTracker>) -> Router {
    Router::new()
        .route(
            "/api/diagnostics/resources",
            get({
                let tracker = Arc::clone(&tracker);
                move || blocking(move || tracker.snapshot())
            }),
        )
        .route(
            "/api/diagnostics/resources/cleanup",
            post({
                let tracker = Arc::clone(&tracker);
                move || blocking(move || tracker.cleanup())
            }),
        )
        .route(
            "/api/diagnostics/processes",
            get(move || blocking(move || tracker.process_manager().map(|m| m.tracked()).unwrap_or_default())),
        )
}

/// Serves [`router`] on `listener` until the server fails.
///
/// # Errors
///
/// If accepting connections fails.
pub async fn serve(listener: tokio::net::TcpListener, tracker: Arc<ResourceTracker>) -> std::io::Result<()> {
    axum::serve(listener, router(tracker)).await
}

/// Runs `work` (which reads `/proc` or waits for processes) off the async
/// workers and answers with its result as JSON.
async fn blocking<T: Serialize + Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Response {
    match tokio::task::spawn_blocking(work).await {
        Ok(value) => Json(value).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}
