use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = leaklint::cli::Cli::parse();
    match leaklint::cli::run(cli) {
        Ok(code) => code,
        Err(error) => {
            // Config errors carry the file's text: miette shows the offending line.
            eprintln!("{:?}", miette::Report::new(error));
            ExitCode::from(2)
        }
    }
}
