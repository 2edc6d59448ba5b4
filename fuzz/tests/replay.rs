//! Replays every committed corpus file and crash reproduction through the fuzz target bodies
//! (stable toolchain; part of `make test`). Reproductions of open findings that other areas
//! own wait in `regressions/pending/<target>/` and are not replayed.

use std::path::Path;

#[test]
fn corpus_and_regressions_replay() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut n = 0;
    for (name, run) in cvm_fuzz::TARGETS {
        for dir in ["corpus", "artifacts", "regressions"] {
            let Ok(entries) = std::fs::read_dir(root.join(dir).join(name)) else { continue };
            for entry in entries {
                let path = entry.unwrap().path();
                if path.is_file() {
                    let data = std::fs::read(&path).unwrap();
                    eprintln!("{}", path.display());
                    run(&data);
                    n += 1;
                }
            }
        }
    }
    assert!(n > 0, "no corpus found under {}", root.display());
}
