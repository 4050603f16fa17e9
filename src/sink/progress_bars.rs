//! Progress on stderr (indicatif, wrapped here only): an overall bar and a spinner per
//! container. Hidden when stderr is not a terminal, with --no-progress, or with -q.

use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress {
    multi: Option<MultiProgress>,
    overall: Option<ProgressBar>,
}

/// The spinner of one container; does nothing when progress is hidden.
pub struct Spinner(Option<ProgressBar>);

impl Progress {
    pub fn new(enabled: bool, total: u64) -> Progress {
        if !enabled {
            return Progress {
                multi: None,
                overall: None,
            };
        }
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        let overall = multi.add(ProgressBar::new(total));
        overall.set_style(
            ProgressStyle::with_template(
                "{prefix:.bold} [{bar:30}] {pos}/{len} containers {elapsed}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        overall.set_prefix("scanning");
        Progress {
            multi: Some(multi),
            overall: Some(overall),
        }
    }

    pub fn container(&self, target: &str) -> Spinner {
        let Some(multi) = &self.multi else {
            return Spinner(None);
        };
        let bar = multi.add(ProgressBar::new_spinner());
        bar.set_style(
            ProgressStyle::with_template("  {spinner} {prefix} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_prefix(target.to_string());
        bar.set_message("queued");
        bar.enable_steady_tick(Duration::from_millis(120));
        Spinner(Some(bar))
    }

    /// How many containers the overall bar counts.
    pub fn set_total(&self, total: u64) {
        if let Some(o) = &self.overall {
            o.set_length(total);
        }
    }

    /// A note on stderr that does not tear the bars.
    pub fn note(&self, message: &str) {
        match &self.multi {
            Some(m) => {
                let _ = m.println(message);
            }
            None => eprintln!("{message}"),
        }
    }

    pub fn finish(&self) {
        if let Some(o) = &self.overall {
            o.finish_and_clear();
        }
        if let Some(m) = &self.multi {
            let _ = m.clear();
        }
    }

    fn tick_overall(&self) {
        if let Some(o) = &self.overall {
            o.inc(1);
        }
    }
}

impl Spinner {
    /// resolving, connecting, gathering, evaluating…
    pub fn phase(&self, phase: &str) {
        if let Some(b) = &self.0 {
            b.set_message(phase.to_string());
        }
    }

    pub fn done(self, progress: &Progress) {
        if let Some(b) = self.0 {
            b.finish_and_clear();
        }
        progress.tick_overall();
    }
}
