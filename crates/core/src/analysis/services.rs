//! The services a trace's spans come from (`service.name` of each span's resource), so a row can
//! name its service where a trace crosses several. Reads the trace's few resources, not its spans.

use crate::model::{Span, Trace};

/// Distinct service names of the trace's resources, in first-seen order.
pub fn service_names(trace: &Trace) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    for name in trace.resources.iter().filter_map(|resource| resource.service_name()) {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// The service a span comes from, when its resource names one.
pub fn service_of<'a>(trace: &'a Trace, span: &Span) -> Option<&'a str> {
    span.resource.get().and_then(|resource| trace.resources.get(resource)).and_then(|resource| resource.service_name())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Attribute, AttributeValue, OptionalIndex, Resource};

    fn resource(service: &str) -> Resource {
        Resource {
            attributes: vec![Attribute::new("service.name", AttributeValue::String(service.into()))],
            ..Resource::default()
        }
    }

    #[test]
    fn services_are_named_once_in_first_seen_order() {
        let mut trace = Trace {
            resources: vec![resource("api"), Resource::default(), resource("db"), resource("api")],
            ..Trace::default()
        };
        assert_eq!(service_names(&trace), ["api", "db"]);
        let mut span = Span::new("a", None, "a");
        assert_eq!(service_of(&trace, &span), None);
        span.resource = OptionalIndex::from(2);
        assert_eq!(service_of(&trace, &span), Some("db"));
        trace.resources.truncate(1);
        assert_eq!(service_of(&trace, &span), None, "a resource index past the list names nothing");
    }
}
