//! Embeds what `php --ri ipmanager` reports: the git revision, the build
//! profile and the PHP API the extension is compiled against.

use std::process::Command;

fn main() {
    let revision = std::env::var("IPMANAGER_GIT_REVISION").ok().or_else(|| {
        let out = Command::new("git").args(["rev-parse", "--short=12", "HEAD"]).output().ok()?;
        out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    });
    let dirty = Command::new("git")
        .args(["status", "--porcelain", "--untracked-files=no"])
        .output()
        .is_ok_and(|out| !out.stdout.is_empty());
    let revision = match revision {
        Some(rev) if dirty => format!("{rev}-modified"),
        Some(rev) => rev,
        None => "unknown".into(),
    };
    println!("cargo:rustc-env=IPMANAGER_GIT_REVISION={revision}");
    println!("cargo:rustc-env=IPMANAGER_BUILD_PROFILE={}", std::env::var("PROFILE").unwrap_or_default());

    // The same PHP that ext-php-rs builds against (it also honours PHP and PHP_CONFIG).
    let php_config = std::env::var("PHP_CONFIG").unwrap_or_else(|_| "php-config".into());
    let ask = |arg: &str| {
        Command::new(&php_config)
            .arg(arg)
            .output()
            .ok()
            .filter(|out| out.status.success())
            .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    let api = match (ask("--version"), ask("--phpapi")) {
        (Some(version), Some(api)) => format!("PHP {version}, API {api}"),
        _ => "unknown".into(),
    };
    println!("cargo:rustc-env=IPMANAGER_PHP_API={api}");
    println!("cargo:rerun-if-changed=.git/HEAD");
    println!("cargo:rerun-if-changed=.git/index");
    println!("cargo:rerun-if-env-changed=IPMANAGER_GIT_REVISION");
    println!("cargo:rerun-if-env-changed=PHP_CONFIG");
}
