//! `iamscope lesson …`: validate lesson files for instructors, list lessons.

use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;

use super::Failure;
use crate::lessons::{self, Lesson, Step};

#[derive(Debug, Subcommand)]
pub enum LessonCommand {
    /// Validate lesson files: that each reads, every check can be evaluated,
    /// each step's reference solution passes it and the state before does not
    Check {
        /// Lesson files (TOML); none with --embedded
        #[arg(value_name = "FILE", required_unless_present = "embedded")]
        files: Vec<PathBuf>,
        /// Check the lessons built into iamscope
        #[arg(long)]
        embedded: bool,
    },
    /// List the lessons: the built-in ones and those of a folder
    List {
        /// A folder of lesson files to add
        #[arg(long, value_name = "DIR")]
        lessons: Option<PathBuf>,
    },
}

pub fn run(command: &LessonCommand, out: &mut impl Write) -> Result<u8, Failure> {
    let now = jiff::Timestamp::now();
    match command {
        LessonCommand::Check { files, embedded } => {
            let mut loaded: Vec<Result<Lesson, lessons::Problem>> = files.iter().map(|f| Lesson::load(f)).collect();
            if *embedded {
                loaded.extend(Lesson::embedded().into_iter().map(Ok));
            }
            let mut status = 0;
            for lesson in loaded {
                match lesson {
                    Err(problem) => {
                        writeln!(out, "error: {problem}")?;
                        status = 2;
                    }
                    Ok(lesson) => {
                        let problems = lesson.validate(now);
                        if problems.is_empty() {
                            let count = |k: &str| lesson.steps.iter().filter(|s| s.kind() == k).count();
                            writeln!(
                                out,
                                "ok  {}  ({} steps: {} read, {} predict, {} do)",
                                lesson.id,
                                lesson.steps.len(),
                                count("read"),
                                count("predict"),
                                count("do")
                            )?;
                        } else {
                            for problem in problems {
                                writeln!(out, "error: {problem}")?;
                            }
                            status = status.max(1);
                        }
                    }
                }
            }
            Ok(status)
        }
        LessonCommand::List { lessons: dir } => {
            let (all, problems) = lessons::all(dir.as_deref()).map_err(|p| Failure::bad_input(p.to_string()))?;
            for lesson in &all {
                let does = lesson.steps.iter().filter(|s| matches!(s, Step::Do { .. })).count();
                writeln!(
                    out,
                    "{:<28} {}  ({} steps, {does} task{})",
                    lesson.id,
                    lesson.title,
                    lesson.steps.len(),
                    if does == 1 { "" } else { "s" }
                )?;
            }
            for p in &problems {
                writeln!(out, "error: {p}")?;
            }
            Ok(if problems.is_empty() { 0 } else { 2 })
        }
    }
}
