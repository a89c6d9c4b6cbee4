//! What leaklint knows about disposable types without a compiler, in one place: the well-known
//! BCL disposables and their factories, the owning wrappers, the exclusions, and what the user's
//! configuration adds. [`Knowledge`] combines this catalogue with the project index.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use super::index::Index;
use crate::settings::Settings;
use crate::Family;

/// Well-known BCL types that implement `IDisposable` / `IAsyncDisposable` (simple names). A
/// project type deriving from one of them is disposable too.
const BCL_DISPOSABLE: &[&str] = &[
    "IDisposable",
    "IAsyncDisposable",
    // `IEnumerator<T>` and `IAsyncEnumerator<T>` extend them (by simple name, the non-generic
    // `IEnumerator` too, which does not: a class implementing only that is rare).
    "IEnumerator",
    "IAsyncEnumerator",
    // streams, readers, writers
    "Stream",
    "FileStream",
    "MemoryStream",
    "StringReader",
    "BufferedStream",
    "GZipStream",
    "DeflateStream",
    "BrotliStream",
    "ZLibStream",
    "CryptoStream",
    "SslStream",
    "NegotiateStream",
    "AuthenticatedStream",
    "NetworkStream",
    "PipeStream",
    "NamedPipeServerStream",
    "NamedPipeClientStream",
    "AnonymousPipeServerStream",
    "AnonymousPipeClientStream",
    "UnmanagedMemoryStream",
    "MemoryMappedViewStream",
    "TextReader",
    "TextWriter",
    "StreamReader",
    "StreamWriter",
    "StringWriter",
    "BinaryReader",
    "BinaryWriter",
    "XmlReader",
    "XmlWriter",
    "XmlTextReader",
    "XmlTextWriter",
    "JsonDocument",
    "Utf8JsonWriter",
    "ZipArchive",
    "MemoryMappedFile",
    "MemoryMappedViewAccessor",
    "SafeHandle",
    "SafeFileHandle",
    // HTTP and networking
    "HttpClient",
    "HttpMessageInvoker",
    "HttpClientHandler",
    "SocketsHttpHandler",
    "HttpMessageHandler",
    "DelegatingHandler",
    "HttpResponseMessage",
    "HttpRequestMessage",
    "HttpContent",
    "StringContent",
    "ByteArrayContent",
    "StreamContent",
    "MultipartContent",
    "MultipartFormDataContent",
    "FormUrlEncodedContent",
    "WebClient",
    "WebResponse",
    "HttpWebResponse",
    "TcpClient",
    "UdpClient",
    "Socket",
    "Ping",
    "SmtpClient",
    "MailMessage",
    "ClientWebSocket",
    "WebSocket",
    "HttpListener",
    // processes, threading, timers
    "Process",
    "CancellationTokenSource",
    "Timer",
    "PeriodicTimer",
    "SemaphoreSlim",
    "Semaphore",
    "Mutex",
    "ManualResetEvent",
    "AutoResetEvent",
    "ManualResetEventSlim",
    "CountdownEvent",
    "ReaderWriterLockSlim",
    "Barrier",
    "EventWaitHandle",
    "WaitHandle",
    "BlockingCollection",
    "FileSystemWatcher",
    // data access
    "DbConnection",
    "DbCommand",
    "DbDataReader",
    "DbTransaction",
    "SqlConnection",
    "SqlCommand",
    "SqlDataReader",
    "SqlTransaction",
    "SqlBulkCopy",
    "NpgsqlConnection",
    "NpgsqlCommand",
    "NpgsqlDataReader",
    "SqliteConnection",
    "SqliteCommand",
    "SqliteDataReader",
    "MySqlConnection",
    "MySqlCommand",
    "MySqlDataReader",
    "OleDbConnection",
    "OdbcConnection",
    "IDbConnection",
    "IDbCommand",
    "IDataReader",
    "IDbTransaction",
    "DataTable",
    "DataSet",
    "TransactionScope",
    // cryptography and certificates
    "RandomNumberGenerator",
    "HashAlgorithm",
    "SHA1",
    "SHA256",
    "SHA384",
    "SHA512",
    "MD5",
    "HMAC",
    "HMACSHA1",
    "HMACSHA256",
    "HMACSHA384",
    "HMACSHA512",
    "IncrementalHash",
    "SymmetricAlgorithm",
    "AsymmetricAlgorithm",
    "Aes",
    "AesGcm",
    "AesCcm",
    "RSA",
    "ECDsa",
    "ECDiffieHellman",
    "DSA",
    "ICryptoTransform",
    "Rfc2898DeriveBytes",
    "X509Certificate",
    "X509Certificate2",
    "X509Store",
    "X509Chain",
    // drawing, components, hosting
    "Image",
    "Bitmap",
    "Metafile",
    "Graphics",
    "Font",
    "Brush",
    "SolidBrush",
    "Pen",
    "Icon",
    "Region",
    "Component",
    "Container",
    "BackgroundWorker",
    "RegistryKey",
    "EventLog",
    "PerformanceCounter",
    "ServiceProvider",
    "IServiceScope",
    "Activity",
    "Meter",
    "ActivityListener",
    "DiagnosticListener",
    "ManagementObjectSearcher",
    "DirectoryEntry",
    "DirectorySearcher",
    "PrincipalContext",
    // framework base classes that are disposable
    "Form",
    "Control",
    "UserControl",
    "Controller",
    "Hub",
    "DbContext",
    "BackgroundService",
    "ServiceBase",
    "IHost",
    "WebApplication",
    "ILoggerProvider",
    "ILoggerFactory",
    "LoggerFactory",
];

/// Constructor parameters of these types are owned by the object that receives them (the
/// convention of the BCL's readers and writers), so a field assigned from one is owned.
pub(crate) const OWNED_WHEN_PASSED_TO_CONSTRUCTOR: &[&str] =
    &["Stream", "TextReader", "TextWriter", "IResourceReader"];

/// Types that are disposable but never reported (`Task` and everything deriving from it).
const NEVER_REPORTED_BASES: &[&str] = &["Task", "ValueTask"];

/// Disposable in name only: exactly these types, not their subclasses, hold nothing to release.
const NEVER_REPORTED_EXACT: &[&str] = &["MemoryStream", "StringReader"];

/// Constructors that take ownership of their first disposable argument (the stream or handler
/// they wrap), unless told `leaveOpen: true` / `disposeHandler: false`.
pub(crate) const OWNING_WRAPPER_NAMES: &[&str] = &[
    "StreamReader",
    "StreamWriter",
    "BinaryReader",
    "BinaryWriter",
    "GZipStream",
    "DeflateStream",
    "BrotliStream",
    "ZLibStream",
    "CryptoStream",
    "BufferedStream",
    "SslStream",
    "NegotiateStream",
    "HttpClient",
    "HttpMessageInvoker",
    "StreamContent",
    "ZipArchive",
    "XmlTextReader",
    "XmlTextWriter",
    "FileStreamResult",
];

/// Methods that take ownership of their first argument: ASP.NET Core's `File(stream, ..)`,
/// `Results.File(stream, ..)` and `Results.Stream(stream, ..)` dispose the stream once the
/// response is written; `ILoggingBuilder.AddProvider` disposes its providers with the factory.
pub(crate) const OWNING_METHODS: &[&str] = &["File", "Stream", "AddProvider"];

/// Named arguments that keep the wrapped object with the caller when `true` (or, for
/// `disposeHandler`, when `false`).
pub(crate) const LEAVE_OPEN_ARGUMENTS: &[(&str, bool)] = &[("leaveOpen", true), ("disposeHandler", false)];

/// Static factories: `Type.Method(..)` returns a new disposable of the given type.
const STATIC_FACTORIES: &[(&str, &[&str], &str)] = &[
    ("File", &["Open", "OpenRead", "OpenWrite", "Create"], "FileStream"),
    ("File", &["OpenText"], "StreamReader"),
    ("File", &["CreateText", "AppendText"], "StreamWriter"),
    ("File", &["OpenHandle"], "SafeFileHandle"),
    ("Process", &["Start", "GetProcessById"], "Process"),
    ("CancellationTokenSource", &["CreateLinkedTokenSource"], "CancellationTokenSource"),
    ("RandomNumberGenerator", &["Create"], "RandomNumberGenerator"),
    ("SHA1", &["Create"], "SHA1"),
    ("SHA256", &["Create"], "SHA256"),
    ("SHA384", &["Create"], "SHA384"),
    ("SHA512", &["Create"], "SHA512"),
    ("MD5", &["Create"], "MD5"),
    ("Aes", &["Create"], "Aes"),
    ("RSA", &["Create"], "RSA"),
    ("ECDsa", &["Create"], "ECDsa"),
    ("IncrementalHash", &["CreateHash", "CreateHMAC"], "IncrementalHash"),
    (
        "X509Certificate2",
        &["CreateFromPem", "CreateFromPemFile", "CreateFromEncryptedPem"],
        "X509Certificate2",
    ),
    (
        "X509CertificateLoader",
        &["LoadCertificate", "LoadCertificateFromFile", "LoadPkcs12", "LoadPkcs12FromFile"],
        "X509Certificate2",
    ),
    ("Image", &["FromFile", "FromStream"], "Image"),
    ("Bitmap", &["FromFile", "FromStream"], "Image"),
    ("Graphics", &["FromImage", "FromHwnd", "FromHdc"], "Graphics"),
    ("JsonDocument", &["Parse", "ParseAsync"], "JsonDocument"),
    ("XmlReader", &["Create"], "XmlReader"),
    ("XmlWriter", &["Create"], "XmlWriter"),
    ("ZipFile", &["Open", "OpenRead"], "ZipArchive"),
    (
        "MemoryMappedFile",
        &["CreateFromFile", "CreateNew", "CreateOrOpen", "OpenExisting"],
        "MemoryMappedFile",
    ),
];

/// Instance methods that return a new disposable, by the receiver's (simple) type.
const INSTANCE_FACTORIES: &[(&[&str], &[&str], &str)] = &[
    (
        &["HttpClient", "HttpMessageInvoker"],
        &["GetAsync", "PostAsync", "PutAsync", "PatchAsync", "DeleteAsync", "SendAsync", "Send"],
        "HttpResponseMessage",
    ),
    (&["HttpClient"], &["GetStreamAsync"], "Stream"),
    (&["FileInfo"], &["Open", "OpenRead", "OpenWrite", "Create"], "FileStream"),
    (&["FileInfo"], &["OpenText"], "StreamReader"),
    (&["FileInfo"], &["CreateText", "AppendText"], "StreamWriter"),
    (&["TcpListener"], &["AcceptTcpClient", "AcceptTcpClientAsync"], "TcpClient"),
    (&["TcpListener", "Socket"], &["AcceptSocket", "AcceptSocketAsync", "Accept", "AcceptAsync"], "Socket"),
    (&["IFormFile", "FormFile"], &["OpenReadStream"], "Stream"),
];

/// Instance methods whose name alone says they return a new disposable, whatever the receiver
/// (ADO.NET providers, dependency-injection scopes).
const NAMED_FACTORIES: &[(&[&str], &str)] = &[
    (&["ExecuteReader", "ExecuteReaderAsync"], "DbDataReader"),
    (&["CreateCommand"], "DbCommand"),
    (&["BeginTransaction", "BeginTransactionAsync"], "DbTransaction"),
    (&["CreateScope"], "IServiceScope"),
    (&["GetResponse", "GetResponseAsync"], "WebResponse"),
];

/// Methods whose result type the rules need to know (to recognise what is called on it later)
/// but whose result the caller does not own: `IHttpClientFactory.CreateClient` hands out clients
/// the factory manages.
const TYPED_RESULTS: &[(&str, &str)] = &[("CreateClient", "HttpClient")];

/// Collection and channel methods that keep their argument: ownership moves into the
/// collection (or to the channel's reader).
pub(crate) const COLLECTION_ADDS: &[&str] = &[
    "Add",
    "TryAdd",
    "GetOrAdd",
    "AddOrUpdate",
    "Insert",
    "Enqueue",
    "Push",
    "AddFirst",
    "AddLast",
    "TryWrite",
    "WriteAsync",
    "Post",
    "RegisterForDispose",
    "RegisterForDisposeAsync",
];

/// Extension methods that hand their receiver to a container that disposes it
/// (`new Subscription().DisposeWith(_disposables)`).
pub(crate) const RECEIVER_OWNERS: &[&str] = &["DisposeWith", "AddTo"];

/// Static calls that keep their arguments: they store them into a `ref` location (a field,
/// usually), or, for `Application.Run(form)`, dispose the main form when it closes.
pub(crate) const STORING_CALLS: &[(&str, &str)] = &[
    ("Interlocked", "Exchange"),
    ("Interlocked", "CompareExchange"),
    ("Volatile", "Write"),
    ("Application", "Run"),
];

/// Calls that end the process: paths through them do not leak.
pub(crate) const PROCESS_EXITS: &[(&str, &str)] = &[("Environment", "Exit"), ("Environment", "FailFast")];

/// Method names that release the receiver.
pub(crate) const RELEASE_METHODS: &[&str] = &["Dispose", "Close", "DisposeAsync"];

/// A helper whose name says it disposes what it is given (`DisposeQuietly`, `SafeDispose`).
pub(crate) fn named_after_disposing(method: &str) -> bool {
    method.contains("Dispos")
}

/// The catalogue with the user's configuration applied, and the project index behind it.
pub(crate) struct Knowledge<'i> {
    pub index: &'i Index,
    extra_disposable: HashSet<String>,
    excluded: HashSet<String>,
    excluded_symbols: Vec<String>,
    extra_release_methods: Vec<String>,
    /// Configured calls that release their first argument (`Pool.Return`): (qualifier, method).
    extra_release_calls: Vec<(Option<String>, String)>,
    /// Configured calls that acquire (`Pool.Rent`): (qualifier, method, the kind's name).
    extra_factories: Vec<(Option<String>, String, String)>,
    pub transfer_to_unknown_methods: bool,
}

/// `STATIC_FACTORIES` as a lookup, built once per process.
fn static_factories() -> &'static HashMap<(&'static str, &'static str), &'static str> {
    static MAP: OnceLock<HashMap<(&str, &str), &str>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut map = HashMap::new();
        for (ty, methods, result) in STATIC_FACTORIES {
            for m in *methods {
                map.insert((*ty, *m), *result);
            }
        }
        map
    })
}

/// Every method name of the BCL factory tables (static, instance and named), built once.
fn factory_method_names() -> &'static HashSet<&'static str> {
    static NAMES: OnceLock<HashSet<&str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let statics = STATIC_FACTORIES.iter().flat_map(|(_, methods, _)| methods.iter());
        let instances = INSTANCE_FACTORIES.iter().flat_map(|(_, methods, _)| methods.iter());
        let named = NAMED_FACTORIES.iter().flat_map(|(methods, _)| methods.iter());
        statics.chain(instances).chain(named).copied().collect()
    })
}

impl<'i> Knowledge<'i> {
    pub fn new(index: &'i Index, settings: &Settings) -> Knowledge<'i> {
        let cs = &settings.csharp;
        let mut extra_disposable: HashSet<String> = cs
            .extra_disposable_types
            .iter()
            .map(|t| super::syntax::simple_type_name(t).to_string())
            .collect();
        let mut extra_release_methods = Vec::new();
        let mut extra_release_calls = Vec::new();
        let mut extra_factories = Vec::new();
        for kind in settings.resource_kinds.iter().filter(|k| k.language == Family::CSharp) {
            for acquire in &kind.acquire {
                let acquire = acquire.trim().trim_end_matches("()");
                if let Some(ty) = acquire.strip_prefix("new ") {
                    extra_disposable.insert(super::syntax::simple_type_name(ty).to_string());
                } else if let Some((qualifier, method)) = call_pattern(acquire) {
                    extra_disposable.insert(kind.name.clone());
                    extra_factories.push((qualifier, method, kind.name.clone()));
                }
            }
            for release in &kind.release {
                let release = release.trim().trim_end_matches("()");
                match release.strip_prefix('.') {
                    Some(method) if !method.is_empty() => extra_release_methods.push(method.to_string()),
                    Some(_) => {}
                    None => extra_release_calls.extend(call_pattern(release)),
                }
            }
        }
        Knowledge {
            index,
            extra_disposable,
            excluded: cs
                .excluded_types
                .iter()
                .map(|t| super::syntax::simple_type_name(t).to_string())
                .collect(),
            excluded_symbols: cs.excluded_symbols.clone(),
            extra_release_methods,
            extra_release_calls,
            extra_factories,
            transfer_to_unknown_methods: cs.transfer_to_unknown_methods,
        }
    }

    /// True when a value of this (simple) type must be disposed by its creator.
    pub fn is_reportable(&self, ty: &str) -> bool {
        !NEVER_REPORTED_EXACT.contains(&ty) && self.is_disposable(ty)
    }

    /// True when the type is disposable: catalogue, project (transitively through bases),
    /// configuration; never for structs, `Task`s, or excluded types and what derives from them.
    pub fn is_disposable(&self, ty: &str) -> bool {
        let mut verdict = false;
        let mut seen = HashSet::new();
        let mut stack = vec![ty];
        while let Some(t) = stack.pop() {
            if !seen.insert(t) || seen.len() > 64 {
                continue;
            }
            if self.excluded.contains(t) || NEVER_REPORTED_BASES.contains(&t) {
                return false;
            }
            if self.extra_disposable.contains(t) {
                verdict = true;
            }
            let info = self.index.type_info(t);
            // A type the project declares under a catalogue name (an `Activity` or `Image`
            // entity) is judged by its own bases, unless it derives from its namesake.
            let shadows_catalogue = info.is_some_and(|i| !i.bases.iter().any(|b| b == t));
            if !shadows_catalogue && BCL_DISPOSABLE.contains(&t) {
                verdict = true;
            }
            if let Some(info) = info {
                if info.is_struct && t == ty {
                    return false;
                }
                stack.extend(info.bases.iter().map(String::as_str).filter(|b| *b != t));
            }
        }
        verdict
    }

    /// True when creations by this method or of this type are excluded by name.
    pub fn is_excluded_symbol(&self, type_name: Option<&str>, method: &str) -> bool {
        self.excluded_symbols.iter().any(|s| {
            let s = s.trim();
            let last = s.rsplit('.').next().unwrap_or(s);
            if last != method {
                return false;
            }
            let qualifier = s[..s.len() - last.len()].trim_end_matches('.');
            qualifier.is_empty() || type_name.is_some_and(|t| qualifier.rsplit('.').next() == Some(t))
        })
    }

    pub fn is_owning_wrapper(&self, ty: &str) -> bool {
        OWNING_WRAPPER_NAMES.contains(&ty)
    }

    /// The type a static BCL factory returns.
    pub fn static_factory(&self, receiver: &str, method: &str) -> Option<&'static str> {
        static_factories().get(&(receiver, method)).copied()
    }

    /// True when a call of this name may hand back a new disposable, whatever its receiver:
    /// a BCL factory, a configured acquisition or a method the project declares. A cheap
    /// superset of what lowering a call recognises, to skip bodies that create nothing.
    pub fn may_create(&self, method: &str) -> bool {
        factory_method_names().contains(method)
            || self.extra_factories.iter().any(|(_, m, _)| m == method)
            || self.index.declares_method(method)
    }

    /// The type a BCL instance method returns, when the receiver's type is known.
    pub fn instance_factory(receiver_type: &str, method: &str) -> Option<&'static str> {
        INSTANCE_FACTORIES
            .iter()
            .find(|(types, methods, _)| types.contains(&receiver_type) && methods.contains(&method))
            .map(|(_, _, result)| *result)
    }

    /// The type an instance method returns judging by its name alone.
    pub fn named_factory(method: &str) -> Option<&'static str> {
        NAMED_FACTORIES.iter().find(|(names, _)| names.contains(&method)).map(|(_, result)| *result)
    }

    /// The type a method known to hand out managed objects returns.
    pub fn typed_result(method: &str) -> Option<&'static str> {
        TYPED_RESULTS.iter().find(|(m, _)| *m == method).map(|(_, t)| *t)
    }

    /// A configured acquisition call (`Pool.Rent(..)`): the kind's name, used as its type.
    pub fn configured_factory(&self, receiver: Option<&str>, method: &str) -> Option<String> {
        self.extra_factories
            .iter()
            .find(|(q, m, _)| m == method && qualifier_matches(q.as_deref(), receiver))
            .map(|(_, _, name)| name.clone())
    }

    /// True when a configured release call (`Pool.Return(x)`) releases its first argument.
    pub fn is_release_call(&self, receiver: Option<&str>, method: &str) -> bool {
        self.extra_release_calls.iter().any(|(q, m)| m == method && qualifier_matches(q.as_deref(), receiver))
    }

    pub fn is_release_method(&self, method: &str) -> bool {
        RELEASE_METHODS.contains(&method) || self.extra_release_methods.iter().any(|m| m == method)
    }
}

/// `Pool.Shared.Rent` -> (Some("Shared"), "Rent"); `FreeWidget` -> (None, "FreeWidget").
fn call_pattern(written: &str) -> Option<(Option<String>, String)> {
    let written = written.trim();
    let (qualifier, method) = match written.rsplit_once('.') {
        Some((q, m)) => (Some(super::syntax::simple_type_name(q).to_string()), m),
        None => (None, written),
    };
    (!method.is_empty()).then(|| (qualifier, method.to_string()))
}

/// A configured qualifier matches the receiver written at the call (by its last segment); an
/// unqualified pattern matches any call of that name.
fn qualifier_matches(qualifier: Option<&str>, receiver: Option<&str>) -> bool {
    match (qualifier, receiver) {
        (None, _) => true,
        (Some(q), Some(r)) => super::syntax::simple_type_name(r) == q,
        (Some(_), None) => false,
    }
}
