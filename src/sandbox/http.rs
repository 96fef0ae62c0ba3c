//! A small HTTP/1.1 server on `std::net`: one thread per connection,
//! keep-alive, `Content-Length` bodies. Hand-written rather than a
//! framework so that fault injection (dropping a connection half-way
//! through a response) is a plain write we control.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Largest request head we read.
const MAX_HEAD: usize = 64 * 1024;
/// Largest request body we read. S1 limits a logged body to 2 MB of text
/// plus HTML; JSON escaping can double it, so this leaves ample room.
pub const MAX_BODY: usize = 32 * 1024 * 1024;

/// A parsed request.
#[derive(Debug, Clone)]
pub struct Request {
    /// Method, upper case.
    pub method: String,
    /// Path without query, percent-decoded per segment by the router.
    pub path: String,
    /// Query pairs, percent-decoded.
    pub query: Vec<(String, String)>,
    /// Header fields, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl Request {
    /// The first header with this lower-case name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first query value with this name.
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// How a response is delivered; anything but `Normal` is fault injection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Write it whole.
    Normal,
    /// Write the head and half the body, then drop the connection.
    DropMidway,
}

/// A response to write.
#[derive(Debug, Clone)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Header fields besides Content-Length and Connection.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
    /// Fault injection.
    pub delivery: Delivery,
}

impl Response {
    /// A JSON response.
    pub fn json(status: u16, body: &serde_json::Value) -> Response {
        Response {
            status,
            headers: vec![(
                "content-type".into(),
                "application/json;charset=utf-8".into(),
            )],
            body: body.to_string().into_bytes(),
            delivery: Delivery::Normal,
        }
    }

    /// An HTML response.
    pub fn html(body: String) -> Response {
        Response {
            status: 200,
            headers: vec![("content-type".into(), "text/html;charset=utf-8".into())],
            body: body.into_bytes(),
            delivery: Delivery::Normal,
        }
    }

    /// An empty response.
    pub fn empty(status: u16) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delivery: Delivery::Normal,
        }
    }
}

/// A request that could not be read; answered with 400 or 413, then the
/// connection is closed.
#[derive(Debug)]
enum ReadError {
    Closed,
    Bad(u16, &'static str),
    Io,
}

/// A running server: its port and a way to stop accepting.
pub struct Server {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Starts serving `handler` on `listener` in a background thread.
    pub fn start<H>(listener: TcpListener, handler: H) -> std::io::Result<Server>
    where
        H: Fn(&Request) -> Response + Send + Sync + 'static,
    {
        let port = listener.local_addr()?.port();
        let stop = Arc::new(AtomicBool::new(false));
        let handler = Arc::new(handler);
        let stop_flag = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("sandbox-accept".into())
            .spawn(move || {
                for stream in listener.incoming() {
                    if stop_flag.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let handler = Arc::clone(&handler);
                    let stop_flag = Arc::clone(&stop_flag);
                    let _ = std::thread::Builder::new()
                        .name("sandbox-conn".into())
                        .spawn(move || serve_connection(stream, &*handler, &stop_flag));
                }
            })?;
        Ok(Server {
            port,
            stop,
            thread: Some(thread),
        })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Blocks until the server stops (it runs until the process ends).
    pub fn wait(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    /// Stops accepting connections and waits for the accept thread.
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept with a connection of our own.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve_connection(stream: TcpStream, handler: &dyn Fn(&Request) -> Response, stop: &AtomicBool) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let _ = stream.set_nodelay(true);
    let Ok(write_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    let mut writer = write_half;
    loop {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let request = match read_request(&mut reader) {
            Ok(r) => r,
            Err(ReadError::Closed) | Err(ReadError::Io) => return,
            Err(ReadError::Bad(status, message)) => {
                let body = serde_json::json!({
                    "status": "error", "category": "VALIDATION_ERROR",
                    "message": message, "correlationId": "00000000-0000-0000-0000-000000000000"
                });
                let _ = write_response(&mut writer, &Response::json(status, &body), false);
                let _ = writer.shutdown(Shutdown::Both);
                return;
            }
        };
        let keep_alive = !request
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let response = handler(&request);
        if response.delivery == Delivery::DropMidway {
            let _ = write_partial(&mut writer, &response);
            let _ = writer.shutdown(Shutdown::Both);
            return;
        }
        if write_response(&mut writer, &response, keep_alive).is_err() || !keep_alive {
            let _ = writer.shutdown(Shutdown::Both);
            return;
        }
    }
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Result<Request, ReadError> {
    let mut head = Vec::with_capacity(1024);
    loop {
        let before = head.len();
        let n = reader
            .read_until(b'\n', &mut head)
            .map_err(|_| ReadError::Io)?;
        if n == 0 {
            return if head.is_empty() {
                Err(ReadError::Closed)
            } else {
                Err(ReadError::Io)
            };
        }
        if head.len() > MAX_HEAD {
            return Err(ReadError::Bad(431, "request head too large"));
        }
        let line = &head[before..];
        // Skip stray empty lines before a request (RFC 9112 §2.2).
        if before == 0 && (line == b"\r\n" || line == b"\n") {
            head.clear();
            continue;
        }
        if line == b"\r\n" || line == b"\n" {
            break;
        }
    }
    let mut headers_buf = [httparse::EMPTY_HEADER; 64];
    let mut parsed = httparse::Request::new(&mut headers_buf);
    match parsed.parse(&head) {
        Ok(httparse::Status::Complete(_)) => {}
        _ => return Err(ReadError::Bad(400, "malformed request head")),
    }
    let method = parsed.method.unwrap_or("GET").to_ascii_uppercase();
    let target = parsed.path.unwrap_or("/");
    let headers: Vec<(String, String)> = parsed
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_ascii_lowercase(),
                String::from_utf8_lossy(h.value).trim().to_string(),
            )
        })
        .collect();
    if headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && !v.eq_ignore_ascii_case("identity"))
    {
        return Err(ReadError::Bad(
            411,
            "chunked request bodies are not supported; send Content-Length",
        ));
    }
    let length = match headers.iter().find(|(n, _)| n == "content-length") {
        Some((_, v)) => v
            .parse::<usize>()
            .map_err(|_| ReadError::Bad(400, "bad Content-Length"))?,
        None => 0,
    };
    if length > MAX_BODY {
        return Err(ReadError::Bad(413, "request body too large"));
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).map_err(|_| ReadError::Io)?;
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p, parse_query(q)),
        None => (target, Vec::new()),
    };
    Ok(Request {
        method,
        path: path.to_string(),
        query,
        headers,
        body,
    })
}

/// Decodes `%XX` escapes (and `+` as space when `plus` is set); invalid
/// escapes are kept as written.
pub fn percent_decode(s: &str, plus: bool) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' if plus => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn parse_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) => (percent_decode(k, true), percent_decode(v, true)),
            None => (percent_decode(pair, true), String::new()),
        })
        .collect()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        207 => "Multi-Status",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        411 => "Length Required",
        413 => "Content Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

fn head_bytes(response: &Response, keep_alive: bool) -> Vec<u8> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason(response.status)
    );
    for (n, v) in &response.headers {
        head.push_str(n);
        head.push_str(": ");
        head.push_str(v);
        head.push_str("\r\n");
    }
    head.push_str(&format!("content-length: {}\r\n", response.body.len()));
    head.push_str(if keep_alive {
        "connection: keep-alive\r\n\r\n"
    } else {
        "connection: close\r\n\r\n"
    });
    head.into_bytes()
}

fn write_response(w: &mut TcpStream, response: &Response, keep_alive: bool) -> std::io::Result<()> {
    let mut out = head_bytes(response, keep_alive);
    out.extend_from_slice(&response.body);
    w.write_all(&out)?;
    w.flush()
}

fn write_partial(w: &mut TcpStream, response: &Response) -> std::io::Result<()> {
    let mut out = head_bytes(response, false);
    out.extend_from_slice(&response.body[..response.body.len() / 2]);
    w.write_all(&out)?;
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding() {
        assert_eq!(
            percent_decode("bob%40client.example", false),
            "bob@client.example"
        );
        assert_eq!(percent_decode("a+b", true), "a b");
        assert_eq!(percent_decode("a+b", false), "a+b");
        assert_eq!(percent_decode("100%", false), "100%");
        assert_eq!(percent_decode("%zz%4", false), "%zz%4");
        assert_eq!(percent_decode("%C3%A9", false), "é");
    }
}
