//! The diagnostics endpoints over real HTTP on loopback, with a hand-written
//! HTTP/1.1 client so the test depends on nothing but a TCP socket.

#![cfg(target_os = "linux")]

mod common;

use std::net::SocketAddr;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use leaklint_runtime::{ProcessManager, ResourceTracker};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Sends one request with `Connection: close`; returns the status code and the JSON body.
async fn request(addr: SocketAddr, method: &str, path: &str) -> (u16, Value) {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let head =
        format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    stream.write_all(head.as_bytes()).await.expect("send request");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("read response");
    let text = String::from_utf8(raw).expect("utf-8 response");
    let (head, body) = text.split_once("\r\n\r\n").expect("header/body separator");
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).expect("status code");
    assert!(head.to_ascii_lowercase().contains("content-type: application/json"), "not JSON: {head}");
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diagnostics_endpoints_answer_over_loopback() {
    let manager = Arc::new(
        ProcessManager::builder()
            .grace_period(Duration::from_millis(200))
            .without_sweeper()
            .build()
            .expect("manager"),
    );
    let tracker = Arc::new(ResourceTracker::builder().process_manager(Arc::clone(&manager)).build());
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    let server = tokio::spawn(leaklint_runtime::http::serve(listener, tracker));

    let handle = manager
        .spawn_with_timeout(Command::new("sleep").arg("1000"), "transcode-7", Duration::ZERO)
        .expect("spawn");
    let id = common::ident(handle.pid());

    let timeout = Duration::from_secs(30);
    let (status, snapshot) =
        tokio::time::timeout(timeout, request(addr, "GET", "/api/diagnostics/resources"))
            .await
            .expect("in time");
    assert_eq!(status, 200);
    assert!(snapshot["open_handles"].as_u64().is_some_and(|n| n > 0), "{snapshot}");
    assert_eq!(snapshot["processes"]["tracked"], 1);

    let (status, processes) =
        tokio::time::timeout(timeout, request(addr, "GET", "/api/diagnostics/processes"))
            .await
            .expect("in time");
    assert_eq!(status, 200);
    let list = processes.as_array().expect("a list");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["job_id"], "transcode-7");
    assert_eq!(list[0]["pid"], handle.pid());
    assert_eq!(list[0]["state"], "overdue");
    assert!(list[0]["started_ms"].as_u64().is_some());

    // Cleanup sweeps the manager, which stops the overdue job.
    let (status, after) =
        tokio::time::timeout(timeout, request(addr, "POST", "/api/diagnostics/resources/cleanup"))
            .await
            .expect("in time");
    assert_eq!(status, 200);
    assert_eq!(after["processes"]["tracked"], 0);
    common::assert_all_gone(&[id]);

    let (status, processes) =
        tokio::time::timeout(timeout, request(addr, "GET", "/api/diagnostics/processes"))
            .await
            .expect("in time");
    assert_eq!(status, 200);
    assert_eq!(processes, Value::Array(Vec::new()));

    server.abort();
}
