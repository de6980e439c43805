fn main() -> std::process::ExitCode {
    iamscope::cli::main()
}
