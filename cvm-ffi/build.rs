//! Gives the shared library its SONAME on Linux (`libcvm.so.0`, the major version of the ABI), so
//! that programs linked against it record `libcvm.so.0` rather than the path of the build tree.
//! `make install` adds the versioned file and its symlinks.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_else(|_| "0".into());
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libcvm.so.{major}");
    }
}
