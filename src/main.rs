fn main() -> color_eyre::Result<()> {
    iamscope::cli::main()
}
