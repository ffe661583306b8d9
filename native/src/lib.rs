//! `ingest._native`: the tagging hot path of ingest, in Rust.
//!
//! Python keeps the data (it reads the versioned files under ingest/data, folds and pads the
//! patterns and hands everything over once); this crate does the per-article work: one
//! Aho-Corasick pass, then the region and topic scoring. The contracts are in
//! `ingest/core/tagging/__init__.py`. Nothing here keeps state between articles.

mod ambiguity;
mod matcher;
mod plan;
mod regions;
mod text;
mod topics;

use std::panic::{self, AssertUnwindSafe};

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::plan::{Data, Folded};
use crate::regions::Zones;
use crate::text::to_chars;

type SpanRow = (usize, usize, usize);

/// The automaton over folded, word-padded patterns (see `ingest/core/tagging/matcher.py`).
#[pyclass(frozen, module = "ingest._native")]
struct Automaton {
    inner: matcher::Matcher,
}

#[pymethods]
impl Automaton {
    /// patterns: " word " forms; leads: proclitic letters before each hit; rich: which patterns
    /// come as hits too; alnum_runs: [start, end) code-point runs of letters and digits.
    #[new]
    fn new(patterns: Vec<String>, leads: Vec<u8>, rich: Vec<bool>, alnum_runs: Vec<(u32, u32)>) -> PyResult<Self> {
        if leads.len() != patterns.len() || rich.len() != patterns.len() {
            return Err(PyValueError::new_err("patterns, leads and rich differ in length"));
        }
        let inner = matcher::Matcher::new(&patterns, leads, rich, &alnum_runs).map_err(PyValueError::new_err)?;
        Ok(Automaton { inner })
    }

    #[getter]
    fn size(&self) -> usize {
        self.inner.size()
    }

    /// (spans, hits, folded): every kept match as (start, end, pattern) in text order, the
    /// indexes of the spans whose pattern is rich, and the folded text (position for position).
    fn find(&self, text: &str) -> (Vec<SpanRow>, Vec<usize>, String) {
        let found = self.inner.find(&to_chars(text));
        let spans: Vec<SpanRow> = found.spans.iter().map(|s| (s.start, s.end, s.pattern)).collect();
        let hits = found
            .spans
            .iter()
            .enumerate()
            .filter(|(_, s)| self.inner.rich[s.pattern])
            .map(|(i, _)| i)
            .collect();
        (spans, hits, found.folded.iter().collect())
    }
}

/// RegionTag, Evidence, Subdivision, Place, TopicTag.
type ClassesIn = (Py<PyAny>, Py<PyAny>, Py<PyAny>, Py<PyAny>, Py<PyAny>);

/// The NamedTuple classes of ingest.core.model the tags are made of, and `tuple.__new__`, which
/// makes an instance of one from a tuple of its fields without a Python frame.
struct Classes {
    tuple_new: Py<PyAny>,
    region: Py<PyAny>,
    evidence: Py<PyAny>,
    subdivision: Py<PyAny>,
    place: Py<PyAny>,
    topic: Py<PyAny>,
}

impl Classes {
    fn make<'py, T: IntoPyObject<'py>>(
        &self,
        py: Python<'py>,
        class: &Py<PyAny>,
        fields: T,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.tuple_new.bind(py).call1((class.bind(py), fields))
    }
}

/// Region and topic scoring over one automaton's matches, with the data plan (JSON) from
/// `ingest/core/tagging/gazetteer.py`.
#[pyclass(frozen, module = "ingest._native")]
struct Scorer {
    automaton: Py<Automaton>,
    data: Data,
    classes: Classes,
}

#[pymethods]
impl Scorer {
    /// classes: (RegionTag, Evidence, Subdivision, Place, TopicTag).
    #[new]
    fn new(py: Python<'_>, automaton: Py<Automaton>, plan: &str, classes: ClassesIn) -> PyResult<Self> {
        let data = Data::from_json(plan).map_err(PyValueError::new_err)?;
        if data.pattern_refs.len() != automaton.get().inner.size() {
            return Err(PyValueError::new_err(
                "the plan and the automaton have different patterns",
            ));
        }
        let (region, evidence, subdivision, place, topic) = classes;
        let tuple_new = py.get_type::<PyTuple>().getattr("__new__")?.unbind();
        Ok(Scorer {
            automaton,
            data,
            classes: Classes {
                tuple_new,
                region,
                evidence,
                subdivision,
                place,
                topic,
            },
        })
    }

    /// (regions, topics) of `text` (title, blank line, body): tuples of `RegionTag` and
    /// `TopicTag`; positions are code points of `text`.
    fn tag<'py>(
        &self,
        py: Python<'py>,
        text: &str,
        title_end: usize,
        dateline_end: usize,
        lead_end: usize,
        language: &str,
    ) -> PyResult<(Bound<'py, PyTuple>, Bound<'py, PyTuple>)> {
        let chars = to_chars(text);
        let zones = Zones {
            title_end,
            dateline_end,
            lead_end,
            total: chars.len(),
        };
        // a panic here is a bug on this input: a RuntimeError, which the pipeline dead-letters as
        // processing_error (pyo3's own PanicException is a BaseException and would take the batch down)
        let scored = panic::catch_unwind(AssertUnwindSafe(|| {
            let found = self.automaton.get().inner.find(&chars);
            let folded = Folded::new(found.folded);
            let regions = regions::tag_regions(&self.data, &chars, &folded, &found.hits, zones);
            let topics = topics::tag_topics(&self.data, &found.spans, &chars, zones, language);
            (regions, topics)
        }));
        let (region_outs, topic_outs) = scored.map_err(|cause| {
            let message = cause
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| cause.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            PyRuntimeError::new_err(format!("native tagger failed: {message}"))
        })?;
        let c = &self.classes;
        let mut regions = Vec::new();
        for r in region_outs {
            let evidence: PyResult<Vec<_>> = r.evidence.into_iter().map(|e| c.make(py, &c.evidence, e)).collect();
            let subdivisions: PyResult<Vec<_>> = r
                .subdivisions
                .into_iter()
                .map(|s| c.make(py, &c.subdivision, s))
                .collect();
            let places: PyResult<Vec<_>> = r.places.into_iter().map(|p| c.make(py, &c.place, p)).collect();
            let fields = (
                r.code,
                r.name,
                r.score,
                r.mentions,
                r.primary,
                PyTuple::new(py, evidence?)?,
                PyTuple::new(py, subdivisions?)?,
                PyTuple::new(py, places?)?,
            );
            regions.push(c.make(py, &c.region, fields)?);
        }
        let mut topics = Vec::new();
        for t in topic_outs {
            let fields = (
                t.code,
                t.label,
                t.level,
                t.parent,
                t.score,
                t.primary,
                PyTuple::new(py, t.evidence)?,
            );
            topics.push(c.make(py, &c.topic, fields)?);
        }
        Ok((PyTuple::new(py, regions)?, PyTuple::new(py, topics)?))
    }
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Automaton>()?;
    m.add_class::<Scorer>()?;
    Ok(())
}
