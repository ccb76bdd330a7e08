//! Which screen shows: one trace, or the list of a file's traces. The `view` attribute chooses
//! `trace`, `list` or `auto` (the list when the file holds several traces, until one is opened);
//! `table` makes every load a corpus, shown on the traces table (`dashboard` and `sessions` on
//! those tabs).

/// The `view` attribute's choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViewMode {
    Trace,
    List,
    /// The traces table of a corpus: every load is indexed as one, even a single file.
    Table,
    /// The corpus's dashboard (panels of aggregates): loads are indexed as for the table.
    Dashboard,
    /// The corpus's sessions (traces grouped by session id): loads are indexed as for the table.
    Sessions,
    /// The corpus's review (queue, taxonomy, notes, patterns, label files): indexed as for the table.
    Review,
    Auto,
}

impl ViewMode {
    /// Reads the attribute; anything unknown is `Auto`.
    pub fn parse(text: &str) -> ViewMode {
        match text {
            "trace" => ViewMode::Trace,
            "list" => ViewMode::List,
            "table" => ViewMode::Table,
            "dashboard" => ViewMode::Dashboard,
            "sessions" => ViewMode::Sessions,
            "review" => ViewMode::Review,
            _ => ViewMode::Auto,
        }
    }
}

/// Whether a freshly loaded file of `trace_count` traces opens on the list.
pub fn list_when_loaded(mode: ViewMode, trace_count: usize) -> bool {
    match mode {
        ViewMode::List => true,
        ViewMode::Trace | ViewMode::Table | ViewMode::Dashboard | ViewMode::Sessions | ViewMode::Review => false,
        ViewMode::Auto => trace_count > 1,
    }
}

/// Whether the list shows after the mode changes to `mode`: `Auto` keeps the list only if it was
/// showing and the file holds several traces (a trace opened from the list stays open).
pub fn list_after_mode_change(mode: ViewMode, trace_count: usize, list_was_showing: bool) -> bool {
    match mode {
        ViewMode::List => true,
        ViewMode::Trace | ViewMode::Table | ViewMode::Dashboard | ViewMode::Sessions | ViewMode::Review => false,
        ViewMode::Auto => trace_count > 1 && list_was_showing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mode_is_read_from_the_attribute() {
        assert_eq!(ViewMode::parse("trace"), ViewMode::Trace);
        assert_eq!(ViewMode::parse("list"), ViewMode::List);
        assert_eq!(ViewMode::parse("sessions"), ViewMode::Sessions);
        assert_eq!(ViewMode::parse("auto"), ViewMode::Auto);
        assert_eq!(ViewMode::parse("LIST"), ViewMode::Auto, "attribute values are exact");
    }

    #[test]
    fn auto_opens_a_file_of_several_traces_on_the_list_and_a_single_trace_directly() {
        assert!(list_when_loaded(ViewMode::Auto, 3));
        assert!(!list_when_loaded(ViewMode::Auto, 1));
        assert!(list_when_loaded(ViewMode::List, 1));
        assert!(!list_when_loaded(ViewMode::Trace, 3));
    }

    #[test]
    fn switching_back_to_auto_keeps_an_opened_trace_open() {
        assert!(!list_after_mode_change(ViewMode::Auto, 3, false));
        assert!(list_after_mode_change(ViewMode::Auto, 3, true));
        assert!(!list_after_mode_change(ViewMode::Auto, 1, true));
        assert!(list_after_mode_change(ViewMode::List, 0, false));
    }
}
