use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = leaklint::cli::Cli::parse();
    match leaklint::cli::run(cli) {
        Ok(code) => code,
        Err(error) => {
            let report = miette::Report::msg(error.to_string());
            eprintln!("leaklint: {report:?}");
            ExitCode::from(2)
        }
    }
}
