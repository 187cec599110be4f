//! PyTorch: `torch_train.py` in a process of its own, started once per thread count and driven
//! over its stdin and stdout, so that its rounds alternate with the Rust contestants'.

use std::cell::RefCell;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::rc::Rc;

use crate::Contestant;
use crate::data::{BATCHES, Opt, Workload};

pub struct Torch {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    /// `torch.__version__`.
    pub version: String,
}

/// The Python that has torch: `SHAPEGRAD_PYTHON`, or the benchmark machine's virtualenv.
pub fn python() -> PathBuf {
    std::env::var_os("SHAPEGRAD_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/work/torchenv/bin/python"))
}

impl Torch {
    /// Starts the script with `threads` intra-op threads; an error says why it could not.
    pub fn start(threads: usize) -> Result<Torch, String> {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("torch_train.py");
        let python = python();
        let mut child = Command::new(&python)
            .arg(&script)
            .arg(threads.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("could not start {}: {e}", python.display()))?;
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut torch = Torch {
            child,
            stdin,
            stdout,
            version: String::new(),
        };
        let ready = torch
            .line()
            .map_err(|e| format!("{} {}: {e}", python.display(), script.display()))?;
        let mut words = ready.split_whitespace().skip(1);
        torch.version = words.next().unwrap_or("?").to_owned();
        let set: usize = words.next().and_then(|t| t.parse().ok()).unwrap_or(0);
        if set != threads {
            return Err(format!("torch runs {set} threads, not {threads}"));
        }
        Ok(torch)
    }

    /// The Python process's id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    fn line(&mut self) -> Result<String, String> {
        let mut line = String::new();
        match self.stdout.read_line(&mut line) {
            Ok(0) => Err("the script ended (is torch installed?)".to_owned()),
            Ok(_) => Ok(line.trim_end().to_owned()),
            Err(e) => Err(e.to_string()),
        }
    }

    fn send(&mut self, command: &str) {
        writeln!(self.stdin, "{command}")
            .and_then(|()| self.stdin.flush())
            .expect("write to torch_train.py");
    }

    fn expect(&mut self, prefix: &str) -> String {
        let line = self.line().expect("torch_train.py answers");
        line.strip_prefix(prefix)
            .unwrap_or_else(|| panic!("torch_train.py answered {line:?}, not {prefix}…"))
            .to_owned()
    }
}

impl Drop for Torch {
    fn drop(&mut self) {
        let _ = writeln!(self.stdin, "quit").and_then(|()| self.stdin.flush());
        let _ = self.child.wait();
    }
}

struct Run {
    torch: Rc<RefCell<Torch>>,
}

impl Contestant for Run {
    fn name(&self) -> &'static str {
        "PyTorch"
    }

    fn run(&mut self, steps: usize) -> Vec<(f64, f32)> {
        let mut t = self.torch.borrow_mut();
        t.send(&format!("run {steps}"));
        let parse = |s: String| -> Vec<f64> {
            s.split_whitespace()
                .map(|v| v.parse().expect("a number"))
                .collect()
        };
        let ms = parse(t.expect("ms "));
        let losses = parse(t.expect("loss "));
        assert_eq!((ms.len(), losses.len()), (steps, steps), "one per step");
        ms.into_iter()
            .zip(losses)
            .map(|(m, l)| (m, l as f32))
            .collect()
    }
}

/// PyTorch's contestant for `w` with `opt`, reading the weights and batches from `file`.
pub fn new(torch: &Rc<RefCell<Torch>>, w: &Workload, opt: Opt, file: &Path) -> Box<dyn Contestant> {
    let widths: Vec<String> = w.widths().iter().map(usize::to_string).collect();
    {
        let mut t = torch.borrow_mut();
        t.send(&format!(
            "setup {} {} {} {} {} {}",
            w.name,
            opt.name(),
            file.display(),
            w.batch,
            widths.join(","),
            BATCHES
        ));
        t.expect("ok");
    }
    Box::new(Run {
        torch: Rc::clone(torch),
    })
}
