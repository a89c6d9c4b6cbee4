//! A deterministic corpus of realistic sources: C# services, TypeScript/TSX hooks, components and
//! clients, Rust job runners. Most resources are released properly; some leak in every language,
//! as in real code.

use std::fmt::Write as _;
use std::path::Path;

/// splitmix64: small, fast, and the same sequence on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const NOUNS: &[&str] = &[
    "Order",
    "Invoice",
    "Customer",
    "Report",
    "Upload",
    "Session",
    "Cache",
    "Metrics",
    "Audit",
    "Billing",
    "Inventory",
    "Shipment",
    "Payment",
    "Notification",
    "Search",
    "Export",
    "Import",
    "Thumbnail",
    "Backup",
    "Sync",
];

const VERBS: &[&str] =
    &["Load", "Save", "Refresh", "Export", "Import", "Validate", "Archive", "Publish", "Render", "Compute"];

/// What was written: files, bytes and lines.
#[derive(Debug, Default, Clone, Copy)]
pub struct Written {
    pub files: usize,
    pub bytes: usize,
    pub lines: usize,
}

/// The languages a set is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    CSharp,
    TypeScript,
    Tsx,
    Rust,
}

/// Writes files of `kinds` in turn under `root` until `enough` says the set is big enough.
pub fn generate(
    root: &Path,
    kinds: &[Kind],
    seed: u64,
    enough: impl Fn(&Written) -> bool,
) -> std::io::Result<Written> {
    let mut rng = Rng::new(seed);
    let mut written = Written::default();
    let mut index = 0usize;
    while !enough(&written) {
        let kind = kinds[index % kinds.len()];
        let noun = rng.pick(NOUNS);
        let (dir, name, text) = match kind {
            Kind::CSharp => ("Services", format!("{noun}Service{index}.cs"), csharp(&mut rng, noun, index)),
            Kind::TypeScript => {
                ("web/lib", format!("{}{index}.ts", noun.to_lowercase()), typescript(&mut rng, noun, index))
            }
            Kind::Tsx => ("web/components", format!("{noun}Panel{index}.tsx"), tsx(&mut rng, noun, index)),
            Kind::Rust => (
                "jobs/src",
                format!("{}_runner_{index}.rs", noun.to_lowercase()),
                rust(&mut rng, noun, index),
            ),
        };
        let folder = root.join(dir).join(format!("part{}", index / 200));
        std::fs::create_dir_all(&folder)?;
        std::fs::write(folder.join(name), &text)?;
        written.files += 1;
        written.bytes += text.len();
        written.lines += text.lines().count();
        index += 1;
    }
    Ok(written)
}

fn csharp(rng: &mut Rng, noun: &str, index: usize) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "using System;\nusing System.Collections.Generic;\nusing System.IO;\nusing System.Linq;\nusing System.Net.Http;\nusing System.Threading;\nusing System.Threading.Tasks;\n");
    let _ = writeln!(s, "namespace Shop.{noun}s;\n");
    let _ = writeln!(s, "public sealed record {noun}Line{index}(string Sku, int Quantity, decimal Price);\n");
    let _ = writeln!(s, "/// <summary>Reads, transforms and stores {noun} data.</summary>");
    let _ = writeln!(s, "public sealed class {noun}Service{index} : IDisposable\n{{");
    let _ = writeln!(s, "    private readonly HttpClient _client;\n    private readonly Timer _timer;\n    private readonly Dictionary<string, {noun}Line{index}> _cache = new();\n    private bool _disposed;\n");
    let _ = writeln!(s, "    public {noun}Service{index}(HttpClient client)\n    {{\n        _client = client ?? throw new ArgumentNullException(nameof(client));\n        _timer = new Timer(_ => Flush(), null, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));\n    }}\n");
    for m in 0..6 + rng.below(6) {
        let verb = rng.pick(VERBS);
        match rng.below(6) {
            0 => {
                let _ = writeln!(s, "    public IReadOnlyList<{noun}Line{index}> {verb}FromFile{m}(string path)\n    {{\n        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read);\n        using var reader = new StreamReader(stream);\n        var lines = new List<{noun}Line{index}>();\n        string? line;\n        while ((line = reader.ReadLine()) != null)\n        {{\n            var parts = line.Split(',');\n            if (parts.Length < 3) continue;\n            lines.Add(new {noun}Line{index}(parts[0], int.Parse(parts[1]), decimal.Parse(parts[2])));\n        }}\n        return lines;\n    }}\n");
            }
            1 => {
                let _ = writeln!(s, "    public async Task<string> {verb}Remote{m}Async(string id, CancellationToken token)\n    {{\n        using var request = new HttpRequestMessage(HttpMethod.Get, $\"/api/{}/{{id}}\");\n        using var response = await _client.SendAsync(request, token).ConfigureAwait(false);\n        response.EnsureSuccessStatusCode();\n        return await response.Content.ReadAsStringAsync(token).ConfigureAwait(false);\n    }}\n", noun.to_lowercase());
            }
            2 => {
                let _ = writeln!(s, "    public void {verb}Snapshot{m}(string path)\n    {{\n        var writer = new StreamWriter(path, append: false);\n        try\n        {{\n            foreach (var (sku, line) in _cache.OrderBy(p => p.Key))\n            {{\n                writer.WriteLine($\"{{sku}},{{line.Quantity}},{{line.Price}}\");\n            }}\n        }}\n        finally\n        {{\n            writer.Dispose();\n        }}\n    }}\n");
            }
            3 => {
                let _ = writeln!(s, "    public decimal {verb}Total{m}(IEnumerable<{noun}Line{index}> lines, decimal discount)\n    {{\n        var total = lines.Where(l => l.Quantity > 0).Sum(l => l.Price * l.Quantity);\n        return total switch\n        {{\n            > 1000m => total * (1 - discount),\n            > 100m => total - discount * 10,\n            _ => total,\n        }};\n    }}\n");
            }
            4 => {
                let _ = writeln!(s, "    public string {verb}Digest{m}(string path)\n    {{\n        var stream = File.OpenRead(path);\n        var sha = System.Security.Cryptography.SHA256.Create();\n        var hash = sha.ComputeHash(stream);\n        return Convert.ToHexString(hash);\n    }}\n");
            }
            _ => {
                let _ = writeln!(s, "    public async Task {verb}Batch{m}Async(IEnumerable<string> ids, CancellationToken token)\n    {{\n        using var gate = new SemaphoreSlim(4);\n        var tasks = ids.Select(async id =>\n        {{\n            await gate.WaitAsync(token);\n            try {{ _cache[id] = new {noun}Line{index}(id, 1, 0m); }}\n            catch (InvalidOperationException e) {{ Console.Error.WriteLine(e.Message); }}\n            finally {{ gate.Release(); }}\n        }});\n        await Task.WhenAll(tasks);\n    }}\n");
            }
        }
    }
    let _ = writeln!(s, "    private void Flush()\n    {{\n        lock (_cache)\n        {{\n            _cache.Clear();\n        }}\n    }}\n");
    let _ = writeln!(s, "    public void Dispose()\n    {{\n        if (_disposed) return;\n        _disposed = true;\n        _timer.Dispose();\n    }}\n}}");
    s
}

fn typescript(rng: &mut Rng, noun: &str, index: usize) -> String {
    let lower = noun.to_lowercase();
    let mut s = String::new();
    let _ = writeln!(s, "import {{ EventEmitter }} from 'events';\n\nexport interface {noun}{index} {{\n  id: string;\n  name: string;\n  updatedAt: number;\n  tags: readonly string[];\n}}\n");
    let _ = writeln!(s, "type Listener = (items: {noun}{index}[]) => void;\n");
    let _ = writeln!(s, "export class {noun}Client{index} extends EventEmitter {{\n  private timer: ReturnType<typeof setInterval> | undefined;\n  private socket: WebSocket | null = null;\n  private readonly cache = new Map<string, {noun}{index}>();\n\n  constructor(private readonly baseUrl: string) {{\n    super();\n  }}\n");
    for m in 0..5 + rng.below(6) {
        let verb = rng.pick(VERBS).to_lowercase();
        match rng.below(7) {
            0 => {
                let _ = writeln!(s, "  async {verb}{m}(signal?: AbortSignal): Promise<{noun}{index}[]> {{\n    const response = await fetch(`${{this.baseUrl}}/api/{lower}?page={m}`, {{ signal }});\n    if (!response.ok) {{\n      throw new Error(`{lower} request failed: ${{response.status}}`);\n    }}\n    const items = (await response.json()) as {noun}{index}[];\n    for (const item of items) {{\n      this.cache.set(item.id, item);\n    }}\n    return items.filter((i) => i.tags.length > 0).sort((a, b) => b.updatedAt - a.updatedAt);\n  }}\n");
            }
            1 => {
                let _ = writeln!(s, "  startPolling{m}(every = 5_000): () => void {{\n    this.timer = setInterval(() => {{\n      void this.refresh{m}();\n    }}, every);\n    return () => {{\n      if (this.timer !== undefined) clearInterval(this.timer);\n      this.timer = undefined;\n    }};\n  }}\n\n  private async refresh{m}(): Promise<void> {{\n    this.emit('changed', [...this.cache.values()]);\n  }}\n");
            }
            2 => {
                let _ = writeln!(s, "  connect{m}(onMessage: Listener): void {{\n    const socket = new WebSocket(this.baseUrl.replace(/^http/, 'ws') + '/live/{m}');\n    socket.addEventListener('message', (event) => {{\n      const items = JSON.parse(String(event.data)) as {noun}{index}[];\n      onMessage(items);\n    }});\n    this.socket = socket;\n  }}\n\n  disconnect{m}(): void {{\n    this.socket?.close();\n    this.socket = null;\n  }}\n");
            }
            3 => {
                let _ = writeln!(s, "  download{m}(item: {noun}{index}): void {{\n    const blob = new Blob([JSON.stringify(item, null, 2)], {{ type: 'application/json' }});\n    const url = URL.createObjectURL(blob);\n    const link = document.createElement('a');\n    link.href = url;\n    link.download = `${{item.name}}.json`;\n    link.click();\n    URL.revokeObjectURL(url);\n  }}\n");
            }
            4 => {
                let _ = writeln!(s, "  summarize{m}(items: {noun}{index}[]): Record<string, number> {{\n    return items.reduce<Record<string, number>>((acc, item) => {{\n      for (const tag of item.tags) {{\n        acc[tag] = (acc[tag] ?? 0) + 1;\n      }}\n      return acc;\n    }}, {{}});\n  }}\n");
            }
            5 => {
                let _ = writeln!(s, "  watch{m}(element: HTMLElement, onResize: (w: number) => void): () => void {{\n    const observer = new ResizeObserver((entries) => {{\n      for (const entry of entries) onResize(entry.contentRect.width);\n    }});\n    observer.observe(element);\n    const onScroll = () => onResize(element.clientWidth);\n    window.addEventListener('scroll', onScroll, {{ passive: true }});\n    return () => {{\n      observer.disconnect();\n      window.removeEventListener('scroll', onScroll);\n    }};\n  }}\n");
            }
            _ => {
                let _ = writeln!(s, "  autoRefresh{m}(): void {{\n    setInterval(() => this.emit('tick', {m}), 60_000);\n  }}\n");
            }
        }
    }
    let _ =
        writeln!(s, "  dispose(): void {{\n    this.removeAllListeners();\n    this.cache.clear();\n  }}");
    let _ = writeln!(s, "}}");
    s
}

fn tsx(rng: &mut Rng, noun: &str, index: usize) -> String {
    let lower = noun.to_lowercase();
    let mut s = String::new();
    let _ = writeln!(s, "import React, {{ useCallback, useEffect, useMemo, useRef, useState }} from 'react';\n\ntype Props = {{ title: string; pollMs?: number; onSelect?: (id: string) => void }};\n\ninterface Row {{ id: string; label: string; value: number }}\n");
    for c in 0..2 + rng.below(3) {
        let _ = writeln!(s, "export function {noun}Panel{index}_{c}({{ title, pollMs = 10_000, onSelect }}: Props) {{\n  const [rows, setRows] = useState<Row[]>([]);\n  const [width, setWidth] = useState(0);\n  const container = useRef<HTMLDivElement>(null);\n");
        for e in 0..2 + rng.below(3) {
            match rng.below(5) {
                0 => {
                    let _ = writeln!(s, "  useEffect(() => {{\n    const id = setInterval(async () => {{\n      const res = await fetch('/api/{lower}/{e}');\n      setRows((await res.json()) as Row[]);\n    }}, pollMs);\n    return () => clearInterval(id);\n  }}, [pollMs]);\n");
                }
                1 => {
                    let _ = writeln!(s, "  useEffect(() => {{\n    const onKey = (event: KeyboardEvent) => {{\n      if (event.key === 'Escape') setRows([]);\n    }};\n    window.addEventListener('keydown', onKey);\n    return () => window.removeEventListener('keydown', onKey);\n  }}, []);\n");
                }
                2 => {
                    let _ = writeln!(s, "  useEffect(() => {{\n    if (!container.current) return;\n    const observer = new ResizeObserver(([entry]) => setWidth(entry.contentRect.width));\n    observer.observe(container.current);\n    return () => observer.disconnect();\n  }}, []);\n");
                }
                3 => {
                    let _ = writeln!(s, "  useEffect(() => {{\n    const timeout = setTimeout(() => setWidth((w) => w + {e}), 250);\n    return () => clearTimeout(timeout);\n  }}, [rows.length]);\n");
                }
                _ => {
                    let _ = writeln!(s, "  useEffect(() => {{\n    setInterval(() => setRows((r) => [...r]), pollMs * {e});\n  }}, [pollMs]);\n");
                }
            }
        }
        let _ = writeln!(s, "  const total = useMemo(() => rows.reduce((sum, r) => sum + r.value, 0), [rows]);\n  const select = useCallback((id: string) => onSelect?.(id), [onSelect]);\n\n  return (\n    <div ref={{container}} className=\"panel\" style={{{{ minWidth: width }}}}>\n      <h2>{{title}} ({{total}})</h2>\n      <ul>\n        {{rows.map((row) => (\n          <li key={{row.id}} onClick={{() => select(row.id)}}>\n            {{row.label}}: <strong>{{row.value.toFixed(2)}}</strong>\n          </li>\n        ))}}\n      </ul>\n    </div>\n  );\n}}\n");
    }
    s
}

fn rust(rng: &mut Rng, noun: &str, index: usize) -> String {
    let lower = noun.to_lowercase();
    let mut s = String::new();
    let _ = writeln!(s, "//! {noun} job runner {index}.\n\nuse std::collections::HashMap;\nuse std::fs::File;\nuse std::io::{{self, BufRead, BufReader, Write}};\nuse std::path::{{Path, PathBuf}};\nuse std::process::{{Child, Command, ExitStatus, Stdio}};\nuse std::time::{{Duration, Instant}};\n");
    let _ = writeln!(s, "#[derive(Debug, Clone, PartialEq, Eq)]\npub enum {noun}State{index} {{\n    Queued,\n    Running {{ pid: u32, since: Instant }},\n    Done(i32),\n    Failed(String),\n}}\n");
    let _ = writeln!(s, "pub struct {noun}Runner{index} {{\n    children: HashMap<u64, Child>,\n    workdir: PathBuf,\n    next_id: u64,\n}}\n");
    let _ = writeln!(s, "impl {noun}Runner{index} {{\n    pub fn new(workdir: impl Into<PathBuf>) -> Self {{\n        Self {{ children: HashMap::new(), workdir: workdir.into(), next_id: 0 }}\n    }}\n");
    for m in 0..4 + rng.below(5) {
        match rng.below(6) {
            0 => {
                let _ = writeln!(s, "    pub fn spawn_{m}(&mut self, input: &Path) -> io::Result<u64> {{\n        let child = Command::new(\"ffmpeg\")\n            .arg(\"-i\")\n            .arg(input)\n            .current_dir(&self.workdir)\n            .stdout(Stdio::null())\n            .spawn()?;\n        self.next_id += 1;\n        self.children.insert(self.next_id, child);\n        Ok(self.next_id)\n    }}\n");
            }
            1 => {
                let _ = writeln!(s, "    pub fn run_{m}(&self, args: &[&str]) -> io::Result<ExitStatus> {{\n        let mut child = Command::new(\"convert\").args(args).current_dir(&self.workdir).spawn()?;\n        let deadline = Instant::now() + Duration::from_secs(60);\n        loop {{\n            if let Some(status) = child.try_wait()? {{\n                return Ok(status);\n            }}\n            if Instant::now() > deadline {{\n                child.kill()?;\n                return child.wait();\n            }}\n            std::thread::sleep(Duration::from_millis(50));\n        }}\n    }}\n");
            }
            2 => {
                let _ = writeln!(s, "    pub fn parse_manifest_{m}(&self, name: &str) -> io::Result<Vec<(String, u64)>> {{\n        let file = File::open(self.workdir.join(name))?;\n        let mut entries = Vec::new();\n        for line in BufReader::new(file).lines() {{\n            let line = line?;\n            let Some((key, size)) = line.split_once('=') else {{ continue }};\n            match size.trim().parse::<u64>() {{\n                Ok(size) if size > 0 => entries.push((key.trim().to_string(), size)),\n                Ok(_) => {{}}\n                Err(e) => eprintln!(\"{lower}: bad size for {{key}}: {{e}}\"),\n            }}\n        }}\n        entries.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));\n        Ok(entries)\n    }}\n");
            }
            3 => {
                let _ = writeln!(s, "    pub fn write_report_{m}(&self, states: &[{noun}State{index}]) -> io::Result<()> {{\n        let mut out = File::create(self.workdir.join(\"report-{m}.txt\"))?;\n        for (i, state) in states.iter().enumerate() {{\n            let line = match state {{\n                {noun}State{index}::Queued => format!(\"{{i}} queued\"),\n                {noun}State{index}::Running {{ pid, since }} => format!(\"{{i}} running {{pid}} for {{:?}}\", since.elapsed()),\n                {noun}State{index}::Done(code) => format!(\"{{i}} done {{code}}\"),\n                {noun}State{index}::Failed(why) => format!(\"{{i}} failed: {{why}}\"),\n            }};\n            writeln!(out, \"{{line}}\")?;\n        }}\n        out.flush()\n    }}\n");
            }
            4 => {
                let _ = writeln!(s, "    pub fn probe_{m}(&self, input: &Path) -> io::Result<u32> {{\n        let child = Command::new(\"ffprobe\").arg(input).stdout(Stdio::null()).spawn()?;\n        Ok(child.id())\n    }}\n");
            }
            _ => {
                let _ = writeln!(s, "    pub fn reap_{m}(&mut self) -> Vec<(u64, i32)> {{\n        let mut finished = Vec::new();\n        self.children.retain(|id, child| match child.try_wait() {{\n            Ok(Some(status)) => {{\n                finished.push((*id, status.code().unwrap_or(-1)));\n                false\n            }}\n            Ok(None) => true,\n            Err(_) => false,\n        }});\n        finished\n    }}\n");
            }
        }
    }
    let _ = writeln!(s, "}}\n\nimpl Drop for {noun}Runner{index} {{\n    fn drop(&mut self) {{\n        for child in self.children.values_mut() {{\n            let _ = child.kill();\n            let _ = child.wait();\n        }}\n    }}\n}}\n");
    let _ = writeln!(s, "#[cfg(test)]\nmod tests {{\n    use super::*;\n\n    #[test]\n    fn starts_empty() {{\n        let runner = {noun}Runner{index}::new(std::env::temp_dir());\n        assert!(runner.children.is_empty());\n    }}\n}}");
    s
}
