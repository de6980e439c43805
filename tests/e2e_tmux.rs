//! The real binary in a real terminal: iamscope runs inside a detached tmux
//! session of a fixed size, gets its keys from `tmux send-keys`, and is read
//! back with `tmux capture-pane`. Every check polls the pane until it shows
//! what is expected (or gives up after a few seconds and prints the pane).
//!
//! Needs tmux, so it is ignored by plain `cargo test`; `.ci/run` installs tmux
//! and runs `cargo test --test e2e_tmux -- --ignored`.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const WIDTH: u16 = 120;
const HEIGHT: u16 = 40;
const PATIENCE: Duration = Duration::from_secs(5);

/// A tmux server of our own (its own socket, no config file) with one
/// session; both are killed when this is dropped, whether the test passed or not.
struct Tmux {
    socket: String,
    session: String,
    /// The socket's file, which the server leaves behind.
    socket_path: Option<String>,
}

impl Tmux {
    fn start(command: &str) -> Tmux {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!("iamscope-e2e-{}-{nanos}", std::process::id());
        let mut tmux = Tmux {
            socket: name.clone(),
            session: name,
            socket_path: None,
        };
        let (width, height) = (WIDTH.to_string(), HEIGHT.to_string());
        tmux.run(&[
            "new-session",
            "-d",
            "-s",
            &tmux.session,
            "-x",
            &width,
            "-y",
            &height,
            command,
        ]);
        tmux.socket_path = Some(tmux.display("#{socket_path}"));
        tmux
    }

    fn run(&self, args: &[&str]) -> Output {
        let output = Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .env("TERM", "xterm-256color")
            .output()
            .expect("tmux runs (install it: apt-get install tmux)");
        assert!(
            output.status.success(),
            "tmux {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    /// Keys by tmux name (`Enter`, `Escape`, `C-u`, `q`).
    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.session];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    /// Text typed literally.
    fn type_text(&self, text: &str) {
        self.run(&["send-keys", "-t", &self.session, "-l", text]);
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", &self.session]).stdout).into_owned()
    }

    fn display(&self, format: &str) -> String {
        let output = self.run(&["display-message", "-p", "-t", &self.session, format]);
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    }

    /// Capture the pane until `ok` holds; the screen that satisfied it.
    fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            if start.elapsed() > PATIENCE {
                panic!("waited {PATIENCE:?} for {what}; the pane shows:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn wait_for_text(&self, text: &str) -> String {
        self.wait_for(&format!("{text:?}"), |s| s.contains(text))
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["-L", &self.socket, "kill-server"]).output();
        if let Some(path) = &self.socket_path {
            let _ = std::fs::remove_file(path);
        }
    }
}

fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// The right-hand pane's text as one paragraph: lines cut at `│`, the
/// pane's part of each kept, and runs of spaces made one.
fn right_pane(screen: &str) -> String {
    let text: Vec<&str> = screen.lines().filter_map(|l| l.split('│').nth(3)).collect();
    text.join(" ").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The list pane's rows (the part left of the first pane's right border).
fn list_rows(screen: &str) -> Vec<String> {
    screen
        .lines()
        .filter_map(|l| l.split('│').nth(1))
        .map(|row| row.trim().to_owned())
        .filter(|row| !row.is_empty())
        .collect()
}

/// Set the inspector field under the cursor: enter, clear, type, enter.
fn set_field(tmux: &Tmux, value: &str) {
    tmux.keys(&["Enter"]);
    tmux.wait_for_text("enter keeps; esc cancels");
    tmux.keys(&["C-u"]);
    tmux.type_text(value);
    tmux.wait_for(&format!("{value} typed into the field"), |s| {
        s.lines().last().is_some_and(|footer| footer.contains(value))
    });
    tmux.keys(&["Enter"]);
    tmux.wait_for("the field to be kept", |s| !s.contains("enter keeps; esc cancels"));
}

#[test]
#[ignore = "needs tmux; run by .ci/run"]
fn the_explorer_answers_in_a_real_terminal_and_gives_it_back() {
    let config = tempfile::tempdir().expect("a temporary directory");
    let binary = env!("CARGO_BIN_EXE_iamscope");
    assert!(Path::new(binary).exists());
    // No settings file of the user's can change keys or theme here.
    let command = format!(
        "IAMSCOPE_CONFIG_DIR={dir} IAMSCOPE_DATA_DIR={dir} {bin}; echo EXIT=$?; sleep 10",
        dir = quoted(&config.path().display().to_string()),
        bin = quoted(binary),
    );
    let tmux = Tmux::start(&command);

    // It opens on the demo account, in the alternate screen.
    let screen = tmux.wait_for_text("iamscope-demo");
    assert!(screen.contains("Users (6)"), "{screen}");
    assert_eq!(tmux.display("#{alternate_on}"), "1");

    // `/` then `ali` filters the users down to alice.
    tmux.keys(&["/"]);
    tmux.wait_for_text("enter keeps, esc clears");
    tmux.type_text("ali");
    let screen = tmux.wait_for_text("Users (1 of 6) /ali");
    let rows = list_rows(&screen);
    assert!(rows.iter().any(|r| r.starts_with("▶ alice")), "{rows:#?}");
    assert!(
        !rows.iter().any(|r| r.contains("bob") || r.contains("ana ")),
        "{rows:#?}"
    );
    // Esc clears the filter...
    tmux.keys(&["Escape"]);
    let screen = tmux.wait_for_text("Users (6)");
    // The list's title no longer shows the filter (the detail pane may show
    // alice's MFA device ARN, `…:mfa/alice`, so only the title is read).
    let title = screen.lines().find(|l| l.contains("┌ Users")).unwrap_or_default();
    assert!(!title.contains("/ali"), "{screen}");
    // ...and Enter keeps it (a separate send-keys, so Esc and `/` stay two keys).
    tmux.keys(&["/"]);
    tmux.wait_for_text("enter keeps, esc clears");
    tmux.type_text("ali");
    tmux.wait_for_text("Users (1 of 6) /ali");
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("the filter to be kept", |s| {
        !s.contains("enter keeps, esc clears") && s.contains("Users (1 of 6) /ali")
    });
    assert!(screen.contains("Users › user alice"), "{screen}");

    // The inspector, asked about alice and the cat picture: allowed by ReadPhotos.
    tmux.keys(&["i"]);
    tmux.wait_for_text("Principal user/alice");
    set_field(&tmux, "s3:GetObject");
    tmux.keys(&["j"]);
    tmux.wait_for_text("▶ Resource");
    set_field(&tmux, "arn:aws:s3:::photos/cat.jpg");
    let screen = tmux.wait_for_text("ALLOW");
    assert!(screen.contains("Resource  arn:aws:s3:::photos/cat.jpg"), "{screen}");
    assert!(screen.contains("decides Allow ReadPhotos"), "{screen}");
    assert!(
        right_pane(&screen).contains("Allowed: statement ReadPhotos in DevelopersS3Read"),
        "{screen}"
    );

    // s3:PutObject instead: nothing allows it; ReadPhotos came closest.
    tmux.keys(&["k"]);
    tmux.wait_for_text("▶ Action");
    set_field(&tmux, "s3:PutObject");
    let screen = tmux.wait_for_text("IMPLICIT DENY");
    assert!(!screen.contains("ALLOW "), "{screen}");
    assert!(
        right_pane(&screen).contains("Closest: statement ReadPhotos"),
        "{}\n{screen}",
        right_pane(&screen)
    );

    // q quits and the terminal is as it was: main screen, no mouse reporting, a cursor.
    tmux.keys(&["q"]);
    tmux.wait_for_text("EXIT=0");
    assert_eq!(tmux.display("#{alternate_on}"), "0");
    assert_eq!(tmux.display("#{mouse_any_flag}#{mouse_sgr_flag}"), "00");
    assert_eq!(tmux.display("#{cursor_flag}"), "1");
}

/// The pid of the iamscope the pane runs (the shell's child).
fn iamscope_pid(tmux: &Tmux) -> u32 {
    let shell = tmux.display("#{pane_pid}");
    let output = Command::new("pgrep")
        .args(["-P", &shell, "-f", "iamscope"])
        .output()
        .expect("pgrep runs");
    let text = String::from_utf8_lossy(&output.stdout);
    text.lines()
        .next()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or_else(|| panic!("no iamscope under the pane's shell {shell}: {text:?}"))
}

#[test]
#[ignore = "needs tmux; run by .ci/run"]
fn a_session_killed_with_sigkill_is_recovered_on_the_next_start() {
    let dirs = tempfile::tempdir().expect("a temporary directory");
    let account = dirs.path().join("account.json");
    std::fs::write(&account, iamscope::io::DEMO_ACCOUNT).unwrap();
    let binary = env!("CARGO_BIN_EXE_iamscope");
    let command = format!(
        "IAMSCOPE_CONFIG_DIR={dir} IAMSCOPE_DATA_DIR={dir} {bin} {file}; echo EXIT=$?; sleep 30",
        dir = quoted(&dirs.path().display().to_string()),
        bin = quoted(binary),
        file = quoted(&account.display().to_string()),
    );
    let tmux = Tmux::start(&command);
    tmux.wait_for_text("iamscope-demo");

    // Rename dave to david: one unsaved change.
    tmux.keys(&["/"]);
    tmux.wait_for_text("enter keeps, esc clears");
    tmux.type_text("dave");
    tmux.wait_for_text("Users › user dave");
    tmux.keys(&["Enter"]);
    tmux.wait_for("the filter to be kept", |s| !s.contains("enter keeps, esc clears"));
    tmux.keys(&["r"]);
    tmux.wait_for_text("Rename user dave");
    tmux.type_text("david");
    tmux.keys(&["Enter"]);
    tmux.wait_for_text("● 1 unsaved");

    // The process dies without a chance to clean up.
    let pid = iamscope_pid(&tmux);
    let killed = Command::new("kill").args(["-9", &pid.to_string()]).status().unwrap();
    assert!(killed.success());
    tmux.wait_for_text("EXIT=137");
    let on_disk = std::fs::read(&account).unwrap();
    assert_eq!(on_disk, iamscope::io::DEMO_ACCOUNT, "nothing was saved");

    // Start again on the same file: the change is offered back.
    let again = format!(
        "IAMSCOPE_CONFIG_DIR={dir} IAMSCOPE_DATA_DIR={dir} {bin} {file}; echo EXIT=$?; sleep 30",
        dir = quoted(&dirs.path().display().to_string()),
        bin = quoted(binary),
        file = quoted(&account.display().to_string()),
    );
    tmux.run(&["respawn-pane", "-k", "-t", &tmux.session, &again]);
    let screen = tmux.wait_for_text("Recover unsaved work?");
    assert!(screen.contains("rename user dave to david"), "{screen}");
    tmux.keys(&["y"]);
    tmux.wait_for_text("recovered 1 unsaved change");
    tmux.keys(&["C-s"]);
    tmux.wait_for_text("saved ");
    tmux.keys(&["q"]);
    tmux.wait_for_text("EXIT=0");

    let saved = iamscope::io::load(&[iamscope::io::AccountSource::File(account.clone())], None).unwrap();
    assert!(saved.model.user("david").is_some() && saved.model.user("dave").is_none());
    let backup = std::fs::read(dirs.path().join("account.json.bak")).unwrap();
    assert_eq!(
        backup,
        iamscope::io::DEMO_ACCOUNT,
        "the file as it was is kept beside it"
    );
}

/// Whether the terminal's line discipline is back in canonical mode, as the
/// shell printed it after iamscope ended (`stty -a` says `-icanon` in raw mode).
fn canonical_after_exit(screen: &str) -> bool {
    screen.lines().any(|l| l.trim() == "MODE=icanon")
}

#[test]
#[ignore = "needs tmux; run by .ci/run"]
fn a_signal_that_ends_the_explorer_gives_the_terminal_back() {
    let binary = env!("CARGO_BIN_EXE_iamscope");
    for (signal, status) in [("TERM", 143), ("HUP", 129), ("INT", 130)] {
        let dirs = tempfile::tempdir().expect("a temporary directory");
        let command = format!(
            "IAMSCOPE_CONFIG_DIR={dir} IAMSCOPE_DATA_DIR={dir} {bin}; echo EXIT=$?; \
             echo MODE=$(stty -a | grep -o -- '-\\?icanon' | head -1); sleep 30",
            dir = quoted(&dirs.path().display().to_string()),
            bin = quoted(binary),
        );
        let tmux = Tmux::start(&command);
        tmux.wait_for_text("iamscope-demo");
        assert_eq!(tmux.display("#{alternate_on}"), "1");
        assert_eq!(tmux.display("#{cursor_flag}"), "0", "the explorer hides the cursor");

        let pid = iamscope_pid(&tmux);
        let sent = Command::new("kill")
            .args([&format!("-{signal}"), &pid.to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let screen = tmux.wait_for_text("MODE=");
        assert!(screen.contains(&format!("EXIT={status}")), "SIG{signal}: {screen}");
        assert!(canonical_after_exit(&screen), "SIG{signal} left raw mode on: {screen}");
        assert_eq!(
            tmux.display("#{alternate_on}"),
            "0",
            "SIG{signal}: still on the alternate screen"
        );
        assert_eq!(tmux.display("#{cursor_flag}"), "1", "SIG{signal}: the cursor is hidden");
        assert_eq!(
            tmux.display("#{mouse_any_flag}#{mouse_sgr_flag}"),
            "00",
            "SIG{signal}: mouse reporting"
        );
    }
}

#[test]
#[ignore = "needs tmux; run by .ci/run"]
fn the_explorer_ends_when_its_terminal_is_closed() {
    // Once: the tmux server killed under it, the explorer read the closed
    // terminal's end-of-file again and again, at full CPU, for ever, and
    // a later `kill` did not end it either.
    let dirs = tempfile::tempdir().expect("a temporary directory");
    let command = format!(
        "IAMSCOPE_CONFIG_DIR={dir} IAMSCOPE_DATA_DIR={dir} {bin}",
        dir = quoted(&dirs.path().display().to_string()),
        bin = quoted(env!("CARGO_BIN_EXE_iamscope")),
    );
    let tmux = Tmux::start(&command);
    tmux.wait_for_text("iamscope-demo");
    let shell = tmux.display("#{pane_pid}");
    // The pane runs the command itself, or a shell around it.
    let pid: u32 = Command::new("pgrep")
        .args(["-P", &shell, "-f", "iamscope"])
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .and_then(|l| l.trim().parse().ok())
        })
        .unwrap_or_else(|| shell.parse().expect("the pane's pid"));
    let _ = Command::new("tmux").args(["-L", &tmux.socket, "kill-server"]).output();
    let start = Instant::now();
    let alive = || Path::new(&format!("/proc/{pid}")).exists();
    while alive() && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(100));
    }
    if alive() {
        let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
        panic!("the explorer (pid {pid}) still runs 10 s after its terminal closed");
    }
}
