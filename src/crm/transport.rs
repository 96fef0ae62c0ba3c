//! Sending the logging job's requests: a blocking [`Transport`] for native
//! hosts (command line, tests, the sandbox's own ingestion). The browser
//! drives the same job over `fetch` in `bindings::worker`.

use super::api::{HttpRequest, HttpResponse};
use super::log::{LogError, LogJob, Logged, Step};

/// Carries one request to the CRM and brings back its response. `Err` means
/// the network failed: no response was received.
pub trait Transport {
    /// Sends `request`.
    fn send(&mut self, request: &HttpRequest) -> Result<HttpResponse, String>;
}

/// How a job ended when driven to completion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobEnd {
    /// The CRM confirmed.
    Logged(Logged),
    /// The CRM refused or answered badly.
    Failed(LogError),
    /// The network failed; the outcome of the last request is unknown.
    Network(String),
}

/// Runs `job` to its end over `transport`.
pub fn drive(job: &mut LogJob, transport: &mut impl Transport) -> JobEnd {
    let mut step = job.start();
    loop {
        match step {
            Step::Send(request) => match transport.send(&request) {
                Ok(response) => step = job.on_response(&response),
                Err(e) => return JobEnd::Network(e),
            },
            Step::Done(Ok(logged)) => return JobEnd::Logged(logged),
            Step::Done(Err(e)) => return JobEnd::Failed(e),
        }
    }
}

/// A blocking HTTP transport (native only).
#[cfg(all(not(target_arch = "wasm32"), feature = "native"))]
pub struct HttpTransport {
    base_url: String,
    token: String,
    agent: ureq::Agent,
}

#[cfg(all(not(target_arch = "wasm32"), feature = "native"))]
impl HttpTransport {
    /// A transport to `base_url` (no trailing slash) with a bearer token.
    pub fn new(base_url: &str, token: &str) -> HttpTransport {
        HttpTransport {
            base_url: base_url.trim_end_matches('/').to_string(),
            token: token.to_string(),
            agent: ureq::AgentBuilder::new()
                .timeout(std::time::Duration::from_secs(30))
                .build(),
        }
    }
}

#[cfg(all(not(target_arch = "wasm32"), feature = "native"))]
impl Transport for HttpTransport {
    fn send(&mut self, request: &HttpRequest) -> Result<HttpResponse, String> {
        let url = format!("{}{}", self.base_url, request.path);
        let call = self
            .agent
            .request(request.method.as_str(), &url)
            .set("authorization", &format!("Bearer {}", self.token))
            .set("content-type", "application/json");
        let result = match &request.body {
            Some(body) => call.send_string(body),
            None => call.call(),
        };
        let response = match result {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
            Err(ureq::Error::Transport(t)) => return Err(t.to_string()),
        };
        let status = response.status();
        let headers = response
            .headers_names()
            .into_iter()
            .filter_map(|n| {
                let v = response.header(&n)?.to_string();
                Some((n.to_ascii_lowercase(), v))
            })
            .collect();
        let body = response.into_string().map_err(|e| e.to_string())?;
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }
}
