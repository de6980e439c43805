//! The `iamscope` binary: parse the arguments, run the command line or the
//! explorer, nothing else.

fn main() -> std::process::ExitCode {
    // Readable reports for a panic at the edge; the explorer's own hook
    // restores the terminal before this one prints.
    let _ = color_eyre::install();
    iamscope::cli::main()
}
