//! `apify-webhooks`: run the local Apify API emulator, check, encode and decode Apify ad-hoc
//! webhook definitions, and evaluate payload templates exactly as the platform does.
//!
//! Exit codes: 0 success, 1 the input is invalid (diagnostics on stderr), 2 a usage or I/O
//! error.

mod eval;
mod locate;
mod report;
mod serve;

use apify_webhooks_core::json::{self, JsObject};
use apify_webhooks_core::template::{self, TemplateOptions};
use apify_webhooks_core::{WebhookDefinition, decode, encode};
use clap::{Parser, Subcommand};
use std::io::{BufReader, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Check, encode and decode Apify ad-hoc webhooks, and evaluate payload templates exactly as
/// the platform does.
#[derive(Parser)]
#[command(name = "apify-webhooks", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the local Apify API emulator: it runs local Actors, moves runs through their
    /// states and really dispatches ad-hoc webhooks. Point the official clients, the SDKs or
    /// `apify-webhooks` at it with APIFY_API_BASE_URL and APIFY_TOKEN.
    ///
    /// Built-in scripted Actors: scripted/succeeds, scripted/fails, scripted/times-out (each
    /// ends after 200 ms; an input `{"delayMillis": n}` changes that).
    Serve(serve::ServeArgs),
    /// Validate webhook definitions written as JSON (the shape the JS SDK's addWebhook takes:
    /// an object or an array of objects with eventTypes, requestUrl, payloadTemplate, ...).
    ///
    /// Reports every problem with file:line:col, the same checks and warnings as the
    /// webhooks! macro. Exits 1 if any definition is invalid.
    Check {
        /// The JSON file ("-" for stdin).
        file: PathBuf,
        /// Treat warnings (findings) as errors.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Print the `webhooks` run parameter for definitions in a JSON file: compact JSON,
    /// then standard padded base64, byte-identical to the official JS client.
    Encode {
        /// The JSON file ("-" for stdin).
        file: PathBuf,
        /// Percent-encode it for a query string (`+`, `/`, `=` as %2B, %2F, %3D).
        #[arg(long)]
        url_encoded: bool,
        /// Print the compact JSON instead of base64.
        #[arg(long, conflicts_with = "url_encoded")]
        json: bool,
    },
    /// Decode a `webhooks` parameter (percent-encoded or plain base64) to pretty JSON, and
    /// check it. Exits 1 if it cannot be decoded or a definition is invalid.
    Decode {
        /// The parameter value, as sent by either official client.
        value: String,
    },
    /// Payload templates.
    #[command(subcommand)]
    Template(TemplateCommand),
}

#[derive(Subcommand)]
enum TemplateCommand {
    /// Preview the payload the platform would send, rendered against a sample run or one
    /// you give.
    Render {
        /// The template file ("-" for stdin). Without it, the platform's default template.
        file: Option<PathBuf>,
        /// Turn on shouldInterpolateStrings.
        #[arg(long)]
        interpolate_strings: bool,
        /// A JSON file with the run object (`GET /v2/actor-runs/{id}` data) to use as
        /// `resource`.
        #[arg(long)]
        run: Option<PathBuf>,
        /// The event type to render for.
        #[arg(long, default_value = "ACTOR.RUN.SUCCEEDED")]
        event: String,
        /// Print compact JSON (the exact bytes sent) instead of pretty JSON.
        #[arg(long)]
        compact: bool,
    },
    /// Run template cases (JSON lines in the conformance set's format) through the engine
    /// and write one line per case: {"id", "verdict", "error_class", "output_json"}.
    Eval {
        /// The cases, one JSON object per line.
        #[arg(long)]
        cases: PathBuf,
        /// The named contexts the cases refer to (a JSON object of objects).
        #[arg(long)]
        contexts: PathBuf,
        /// Write results here instead of stdout.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

/// A failure that ends the command: 1 for invalid input, 2 for usage or I/O.
struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    fn io(message: impl Into<String>) -> Self {
        Failure {
            code: 2,
            message: message.into(),
        }
    }
    fn invalid(message: impl Into<String>) -> Self {
        Failure {
            code: 1,
            message: message.into(),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            if !f.message.is_empty() {
                eprintln!("error: {}", f.message);
            }
            ExitCode::from(f.code)
        }
    }
}

fn read_input(path: &PathBuf) -> Result<String, Failure> {
    if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .map_err(|e| Failure::io(format!("cannot read stdin: {e}")))?;
        return Ok(s);
    }
    std::fs::read_to_string(path)
        .map_err(|e| Failure::io(format!("cannot read {}: {e}", path.display())))
}

fn run(command: Command) -> Result<(), Failure> {
    match command {
        Command::Serve(args) => serve::run(args).map_err(Failure::io),
        Command::Check {
            file,
            deny_warnings,
        } => {
            let text = read_input(&file)?;
            let name = file.display().to_string();
            let defs = parse_definitions(&name, &text)?;
            let summary = report::check_all(&name, &text, &defs, &mut std::io::stderr());
            eprintln!("{}", summary.line(defs.len()));
            if summary.errors > 0 || (deny_warnings && summary.warnings > 0) {
                return Err(Failure::invalid(""));
            }
            Ok(())
        }
        Command::Encode {
            file,
            url_encoded,
            json,
        } => {
            let text = read_input(&file)?;
            let name = file.display().to_string();
            let defs = parse_definitions(&name, &text)?;
            let summary = report::check_all(&name, &text, &defs, &mut std::io::stderr());
            if summary.errors > 0 {
                eprintln!("{}", summary.line(defs.len()));
                return Err(Failure::invalid("not encoding invalid definitions"));
            }
            let out = if json {
                encode::to_json(&defs)
            } else if url_encoded {
                encode::to_query_value(&encode::to_base64(&defs))
            } else {
                encode::to_base64(&defs)
            };
            println!("{out}");
            Ok(())
        }
        Command::Decode { value } => {
            let defs = decode::from_param(&value).map_err(|e| Failure::invalid(e.to_string()))?;
            let compact = encode::to_json(&defs);
            let value = json::parse(&compact).map_err(|e| Failure::io(e.to_string()))?;
            println!("{}", json::stringify_pretty(&value, 2));
            let summary = report::check_all("<decoded>", "", &defs, &mut std::io::stderr());
            if summary.errors > 0 {
                eprintln!("{}", summary.line(defs.len()));
                return Err(Failure::invalid(""));
            }
            Ok(())
        }
        Command::Template(TemplateCommand::Render {
            file,
            interpolate_strings,
            run,
            event,
            compact,
        }) => {
            let template_text = match &file {
                Some(path) => read_input(path)?,
                None => template::DEFAULT_PAYLOAD_TEMPLATE.to_owned(),
            };
            let run_text = match &run {
                Some(path) => Some(read_input(path)?),
                None => None,
            };
            let context =
                report::sample_context(&event, run_text.as_deref()).map_err(Failure::invalid)?;
            render(
                &template_text,
                file.as_ref(),
                &context,
                interpolate_strings,
                compact,
            )
        }
        Command::Template(TemplateCommand::Eval {
            cases,
            contexts,
            output,
        }) => {
            let contexts_text = read_input(&contexts)?;
            let contexts = eval::load_contexts(&contexts_text).map_err(Failure::io)?;
            let cases_file = std::fs::File::open(&cases)
                .map_err(|e| Failure::io(format!("cannot read {}: {e}", cases.display())))?;
            let out: Box<dyn Write> = match &output {
                Some(path) => Box::new(std::io::BufWriter::new(
                    std::fs::File::create(path).map_err(|e| {
                        Failure::io(format!("cannot write {}: {e}", path.display()))
                    })?,
                )),
                None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
            };
            let tty = std::io::stderr().is_terminal();
            let (ok, errors, malformed) =
                eval::run(BufReader::new(cases_file), &contexts, out, |n| {
                    if tty && n % 500 == 0 {
                        eprint!("\r{n} cases evaluated");
                    }
                })
                .map_err(Failure::io)?;
            if tty {
                eprint!("\r");
            }
            for m in &malformed {
                eprintln!("skipped {m}");
            }
            eprintln!(
                "{} cases: {ok} ok, {errors} error, {} malformed",
                ok + errors + malformed.len(),
                malformed.len()
            );
            if malformed.is_empty() {
                Ok(())
            } else {
                Err(Failure::invalid(""))
            }
        }
    }
}

fn parse_definitions(name: &str, text: &str) -> Result<Vec<WebhookDefinition>, Failure> {
    decode::from_json(text).map_err(|e| {
        let at = match &e {
            decode::DecodeError::Json(j) => Some(j.offset),
            decode::DecodeError::Field { index, key, .. } => locate::key(text, *index, key),
            decode::DecodeError::Shape { index: Some(i), .. } => locate::item(text, *i),
            _ => None,
        };
        match at {
            Some(offset) => {
                let (line, col) = locate::line_col(text, offset);
                Failure::invalid(format!("{name}:{line}:{col}: {e}"))
            }
            None => Failure::invalid(format!("{name}: {e}")),
        }
    })
}

fn render(
    text: &str,
    file: Option<&PathBuf>,
    context: &JsObject,
    interpolate: bool,
    compact: bool,
) -> Result<(), Failure> {
    let options = TemplateOptions::interpolating(interpolate);
    let name = file.map_or("<default template>".to_owned(), |p| p.display().to_string());
    let rendered = template::render(text, context, options)
        .map_err(|e| Failure::invalid(format!("{name}:{}:{}: {e}", e.line(), e.column())))?;
    for f in template::findings(text, options) {
        let (line, col) = locate::line_col(text, f.span.0);
        eprintln!("{name}:{line}:{col}: warning: {}", f.message());
    }
    match rendered.value() {
        None => println!("undefined (the platform sends no body)"),
        Some(v) if compact => println!("{}", json::stringify(v)),
        Some(v) => println!("{}", json::stringify_pretty(v, 2)),
    }
    Ok(())
}
