//! The names a module summary mentions, each stored once in one buffer.
//!
//! Summaries stay in memory for the whole run, and most of what they hold is names: every
//! function's qualified name, the names its calls resolve to, imports, bases. As separate
//! `String`s each name costs a header and an allocation, and a callee named in ten functions
//! is stored ten times; here a name is a 4-byte [`Name`] into one buffer per module.

use std::hash::BuildHasher;
use std::ops::Range;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;
use serde::{Deserialize, Serialize};

/// A name in its module's [`NameTable`].
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Name(u32);

/// The names of one summary: name `i` is `text[ends[i - 1]..ends[i]]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NameTable {
    text: Box<str>,
    ends: Box<[u32]>,
}

impl NameTable {
    /// The text of `name`; empty for a name the table does not hold, which only a damaged
    /// cache entry can give (tables read from the cache are not trusted to be whole).
    pub fn get(&self, name: Name) -> &str {
        text_of(&self.text, &self.ends, name)
    }
}

/// The text of name `index` in a buffer its table's `ends` describe.
fn text_of<'t>(text: &'t str, ends: &[u32], Name(index): Name) -> &'t str {
    let index = index as usize;
    let span = || -> Option<Range<usize>> {
        let start = if index == 0 {
            0
        } else {
            *ends.get(index - 1)? as usize
        };
        Some(start..*ends.get(index)? as usize)
    };
    span().and_then(|span| text.get(span)).unwrap_or_default()
}

/// Builds a [`NameTable`] while a module is checked, giving equal names the same [`Name`].
#[derive(Debug)]
pub(crate) struct NameTableBuilder {
    text: String,
    ends: Vec<u32>,
    /// Names by the hash of their text.
    lookup: HashTable<Name>,
}

impl NameTableBuilder {
    /// Room for about `names` names: growing the lookup hashes every name again.
    pub(crate) fn with_capacity(names: usize) -> Self {
        Self {
            text: String::with_capacity(names * 24),
            ends: Vec::with_capacity(names),
            lookup: HashTable::with_capacity(names),
        }
    }

    pub(crate) fn intern(&mut self, name: &str) -> Name {
        let Self { text, ends, lookup } = self;
        let hash = FxBuildHasher.hash_one(name);
        if let Some(&known) = lookup.find(hash, |known| text_of(text, ends, *known) == name) {
            return known;
        }
        // Offsets are `u32` like the parser's own (`TextSize`): a module's names do not reach
        // 4 GiB. Should they, the names past the limit all read as the first one.
        let (Ok(end), Ok(index)) = (
            u32::try_from(text.len() + name.len()),
            u32::try_from(ends.len()),
        ) else {
            return Name(0);
        };
        text.push_str(name);
        ends.push(end);
        lookup.insert_unique(hash, Name(index), |known| {
            FxBuildHasher.hash_one(text_of(text, ends, *known))
        });
        Name(index)
    }

    pub(crate) fn finish(self) -> NameTable {
        NameTable {
            text: self.text.into_boxed_str(),
            ends: self.ends.into_boxed_slice(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Name, NameTable, NameTableBuilder};

    #[test]
    fn equal_names_are_stored_once_and_read_back_whole() {
        let mut builder = NameTableBuilder::with_capacity(1);
        let load = builder.intern("app.services.users.load");
        let get = builder.intern("requests.get");
        assert_eq!(builder.intern("app.services.users.load"), load);
        let empty = builder.intern("");
        assert_ne!(load, get);
        let table = builder.finish();
        assert_eq!(
            (table.get(load), table.get(get), table.get(empty)),
            ("app.services.users.load", "requests.get", "")
        );
    }

    #[test]
    fn a_damaged_table_reads_as_empty_names_instead_of_panicking() {
        let damaged = NameTable {
            text: "é".into(),
            ends: Box::new([1, 9]),
        };
        assert_eq!(
            (
                damaged.get(Name(0)),
                damaged.get(Name(1)),
                damaged.get(Name(7))
            ),
            ("", "", "")
        );
    }
}
