//! Writing a generated crate to disk: the one place of the codegen crate that does I/O, shared by
//! the CLI and `cargo xtask gen`.
//!
//! The generator owns `Cargo.toml`, `README.md` and everything under `src/` (and, when the
//! runtime is its own crate, `runtime/Cargo.toml` and `runtime/src/`); it never touches other
//! files (hand-written `tests/` and `examples/` live beside generated code). Each file is
//! written to a temporary sibling and renamed into place, so a crash never leaves a half-written
//! file, and owned files that the new output does not contain are removed.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// What a write changed.
#[derive(Debug, Default)]
pub struct WriteReport {
    pub written: Vec<String>,
    pub unchanged: usize,
    pub removed: Vec<String>,
}

/// Writes `files` below `dir`, skipping files whose content is already identical.
pub fn write_crate(dir: &Path, files: &BTreeMap<String, String>) -> io::Result<WriteReport> {
    let mut report = WriteReport::default();
    for (rel, content) in files {
        let path = dir.join(rel);
        if fs::read(&path).is_ok_and(|old| old == content.as_bytes()) {
            report.unchanged += 1;
            continue;
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let tmp = path.with_extension("tmp-codegen");
        fs::write(&tmp, content)?;
        fs::rename(&tmp, &path)?;
        report.written.push(rel.clone());
    }
    for stale in owned_files(dir)? {
        let rel = relative(dir, &stale);
        if !files.contains_key(&rel) {
            fs::remove_file(&stale)?;
            report.removed.push(rel);
        }
    }
    for owned in OWNED_DIRS {
        remove_empty_dirs(&dir.join(owned))?;
    }
    // A runtime crate that is no longer generated leaves no empty directory behind.
    for emptied in ["runtime/src", "runtime"] {
        let path = dir.join(emptied);
        if fs::read_dir(&path).is_ok_and(|mut entries| entries.next().is_none()) {
            fs::remove_dir(&path)?;
        }
    }
    Ok(report)
}

/// Files the generator owns, relative to the crate root.
const OWNED_FILES: [&str; 3] = ["Cargo.toml", "README.md", "runtime/Cargo.toml"];
/// Directories whose whole contents the generator owns (`runtime/` holds the runtime crate
/// when it is generated as its own crate).
const OWNED_DIRS: [&str; 2] = ["src", "runtime/src"];

/// The files under `dir` that the generator owns and that exist now.
pub fn owned_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for name in OWNED_FILES {
        let p = dir.join(name);
        if p.is_file() {
            out.push(p);
        }
    }
    let mut stack: Vec<PathBuf> = OWNED_DIRS.iter().map(|d| dir.join(d)).collect();
    while let Some(d) = stack.pop() {
        let entries = match fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Reads the owned files of an existing crate (for drift checks).
pub fn read_crate(dir: &Path) -> io::Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for path in owned_files(dir)? {
        let text = String::from_utf8_lossy(&fs::read(&path)?).into_owned();
        out.insert(relative(dir, &path), text);
    }
    Ok(out)
}

fn relative(dir: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(dir).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

fn remove_empty_dirs(dir: &Path) -> io::Result<()> {
    let Ok(entries) = fs::read_dir(dir) else { return Ok(()) };
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            remove_empty_dirs(&path)?;
            if fs::read_dir(&path)?.next().is_none() {
                fs::remove_dir(&path)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_updates_and_removes_only_owned_files() {
        let dir = std::env::temp_dir().join(format!("codegen-output-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("tests")).unwrap();
        fs::write(dir.join("tests/keep.rs"), "hand-written").unwrap();
        let mut files = BTreeMap::new();
        files.insert("Cargo.toml".to_owned(), "a".to_owned());
        files.insert("src/lib.rs".to_owned(), "b".to_owned());
        files.insert("src/old/gone.rs".to_owned(), "c".to_owned());
        let r = write_crate(&dir, &files).unwrap();
        assert_eq!(r.written.len(), 3);
        files.remove("src/old/gone.rs");
        files.insert("src/lib.rs".to_owned(), "b2".to_owned());
        let r = write_crate(&dir, &files).unwrap();
        assert_eq!(r.written, ["src/lib.rs"]);
        assert_eq!(r.unchanged, 1);
        assert_eq!(r.removed, ["src/old/gone.rs"]);
        assert!(!dir.join("src/old").exists());
        assert_eq!(fs::read_to_string(dir.join("tests/keep.rs")).unwrap(), "hand-written");
        assert_eq!(read_crate(&dir).unwrap(), files);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_runtime_crate_is_owned_and_removed_whole() {
        let dir = std::env::temp_dir().join(format!("codegen-output-runtime-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let mut files = BTreeMap::new();
        files.insert("Cargo.toml".to_owned(), "a".to_owned());
        files.insert("src/lib.rs".to_owned(), "b".to_owned());
        files.insert("runtime/Cargo.toml".to_owned(), "c".to_owned());
        files.insert("runtime/src/lib.rs".to_owned(), "d".to_owned());
        write_crate(&dir, &files).unwrap();
        fs::write(dir.join("runtime/notes.md"), "hand-written").unwrap();
        assert_eq!(read_crate(&dir).unwrap(), files, "runtime/notes.md is not the generator's");
        // Back to the runtime as a module: the runtime crate's files go; the user's stays.
        files.retain(|path, _| !path.starts_with("runtime/"));
        let r = write_crate(&dir, &files).unwrap();
        assert_eq!(r.removed, ["runtime/Cargo.toml", "runtime/src/lib.rs"]);
        assert!(!dir.join("runtime/src").exists());
        assert!(dir.join("runtime/notes.md").exists());
        fs::remove_file(dir.join("runtime/notes.md")).unwrap();
        files.insert("runtime/Cargo.toml".to_owned(), "c".to_owned());
        write_crate(&dir, &files).unwrap();
        files.remove("runtime/Cargo.toml");
        write_crate(&dir, &files).unwrap();
        assert!(!dir.join("runtime").exists(), "an emptied runtime/ is removed");
        fs::remove_dir_all(&dir).unwrap();
    }
}
