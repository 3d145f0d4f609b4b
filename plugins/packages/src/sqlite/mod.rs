//! A read-only reader of the SQLite 3 file format, just enough for rpm's
//! `rpmdb.sqlite`: find a table in the schema, then walk the rows of its
//! table B-tree (interior and leaf pages, payloads spilling onto overflow
//! chains). No crate reads SQLite files without linking SQLite's C code,
//! which a wasm plugin cannot. Format: <https://www.sqlite.org/fileformat.html>.
//!
//! Bounded for hostile files: every page is visited at most once (a loop of
//! child or overflow pointers ends the walk with an error) and cells whose
//! payloads add up to more than the file are an error, so the work and the
//! bytes copied are at most a few times the file's own size, and nothing
//! recurses.
//! The write-ahead log (`-wal`) is not read: rpm checkpoints it when it
//! closes the database, as image builds do.

/// A column value of a row.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// SQL NULL (also the rowid alias column of an `INTEGER PRIMARY KEY`).
    Null,
    /// An integer.
    Integer(i64),
    /// A floating-point number.
    Real(f64),
    /// Text (UTF-8 databases only).
    Text(String),
    /// A blob.
    Blob(Vec<u8>),
}

/// Page types of table B-trees.
const INTERIOR_TABLE: u8 = 0x05;
const LEAF_TABLE: u8 = 0x0d;

/// An open database file.
pub struct Database<'a> {
    data: &'a [u8],
    page_size: usize,
    usable: usize,
    pages: usize,
}

impl<'a> Database<'a> {
    /// Checks the 100-byte file header.
    pub fn open(data: &'a [u8]) -> Result<Self, String> {
        if data.len() < 100 || &data[..16] != b"SQLite format 3\0" {
            return Err("not an SQLite 3 database".into());
        }
        let page_size = match u16::from_be_bytes([data[16], data[17]]) {
            1 => 65_536,
            size if size >= 512 && size.is_power_of_two() => usize::from(size),
            size => return Err(format!("invalid page size {size}")),
        };
        let reserved = usize::from(data[20]);
        let usable = page_size.saturating_sub(reserved);
        if usable < 480 {
            return Err(format!("usable page size {usable} below 480"));
        }
        let encoding = u32::from_be_bytes([data[56], data[57], data[58], data[59]]);
        if encoding > 1 {
            return Err(format!("text encoding {encoding} is not UTF-8"));
        }
        Ok(Self {
            data,
            page_size,
            usable,
            pages: data.len() / page_size,
        })
    }

    /// The root page of table `name`, from the schema table on page 1.
    pub fn table_root(&self, name: &str) -> Result<u32, String> {
        let mut root = None;
        self.rows(1, |_, columns| {
            if let [
                Value::Text(kind),
                Value::Text(table),
                _,
                Value::Integer(page),
                ..,
            ] = columns.as_slice()
                && kind == "table"
                && table.eq_ignore_ascii_case(name)
            {
                root = u32::try_from(*page).ok();
                return false;
            }
            true
        })?;
        root.ok_or_else(|| format!("no table {name}"))
    }

    /// Calls `visit(rowid, columns)` for each row of the table B-tree rooted
    /// at `root`, in rowid order, until it returns false.
    pub fn rows(
        &self,
        root: u32,
        mut visit: impl FnMut(i64, Vec<Value>) -> bool,
    ) -> Result<(), String> {
        let mut seen = vec![false; self.pages + 1];
        // Valid cells never overlap, so their local payloads add up to less
        // than the file: more means cell pointers that repeat themselves.
        let mut copied = 0usize;
        let mut stack = vec![root];
        while let Some(number) = stack.pop() {
            let page = self.page(number, &mut seen)?;
            let header = if number == 1 { 100 } else { 0 };
            let kind = *page.get(header).ok_or("short page")?;
            let cells = usize::from(be16(page, header + 3)?);
            let header_size = match kind {
                INTERIOR_TABLE => 12,
                LEAF_TABLE => 8,
                other => {
                    return Err(format!(
                        "page {number}: type {other:#04x} is not a table page"
                    ));
                }
            };
            let pointer = |index: usize| -> Result<usize, String> {
                let offset = usize::from(be16(page, header + header_size + 2 * index)?);
                if offset >= page.len() {
                    return Err(format!(
                        "page {number}: cell offset {offset} out of the page"
                    ));
                }
                Ok(offset)
            };
            if kind == INTERIOR_TABLE {
                // Children in key order: the right-most one holds the largest
                // keys, so it goes on the stack first and is visited last.
                stack.push(be32(page, header + 8)?);
                for index in (0..cells).rev() {
                    stack.push(be32(page, pointer(index)?)?);
                }
                continue;
            }
            for index in 0..cells {
                let mut at = pointer(index)?;
                let size = varint(page, &mut at)?;
                let rowid = varint(page, &mut at)? as i64;
                let payload = self.payload(page, at, size, &mut seen)?;
                copied = copied.saturating_add(payload.len());
                if copied > self.data.len() {
                    return Err(format!(
                        "page {number}: cells overlap (more payload than the file holds)"
                    ));
                }
                if !visit(rowid, record(&payload)?) {
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    /// Page `number` (1-based), marked as seen; a page met twice is a loop.
    fn page(&self, number: u32, seen: &mut [bool]) -> Result<&'a [u8], String> {
        let index = number as usize;
        if index == 0 || index > self.pages {
            return Err(format!(
                "page {number} is out of the file ({} pages)",
                self.pages
            ));
        }
        if std::mem::replace(&mut seen[index], true) {
            return Err(format!("page {number} is referenced twice (loop)"));
        }
        let start = (index - 1) * self.page_size;
        Ok(&self.data[start..start + self.usable])
    }

    /// The whole payload of a leaf cell whose local part starts at `at`,
    /// following its overflow chain.
    fn payload(
        &self,
        page: &[u8],
        at: usize,
        size: u64,
        seen: &mut [bool],
    ) -> Result<Vec<u8>, String> {
        let usable = self.usable as u64;
        let max_local = usable - 35;
        let local = if size <= max_local {
            size
        } else {
            let min_local = (usable - 12) * 32 / 255 - 23;
            let spill = min_local + (size - min_local) % (usable - 4);
            if spill <= max_local { spill } else { min_local }
        } as usize;
        let end = at.checked_add(local).filter(|&end| end <= page.len());
        let end = end.ok_or("cell payload runs past its page")?;
        let mut payload = page[at..end].to_vec();
        if size <= local as u64 {
            return Ok(payload);
        }
        let mut next = be32(page, end)?;
        while (payload.len() as u64) < size {
            let overflow = self.page(next, seen)?;
            let left = size - payload.len() as u64;
            let take = left.min(overflow.len() as u64 - 4) as usize;
            payload.extend_from_slice(&overflow[4..4 + take]);
            next = be32(overflow, 0)?;
        }
        Ok(payload)
    }
}

/// The columns of a record (header of serial types, then the values).
fn record(payload: &[u8]) -> Result<Vec<Value>, String> {
    let mut at = 0;
    let header_size = usize::try_from(varint(payload, &mut at)?).map_err(|_| "record header")?;
    if header_size > payload.len() {
        return Err("record header runs past the payload".into());
    }
    let mut body = header_size;
    let mut columns = Vec::new();
    while at < header_size {
        let serial = varint(payload, &mut at)?;
        let width = match serial {
            0 | 8 | 9 => 0,
            1..=4 => serial as usize,
            5 => 6,
            6 | 7 => 8,
            10 | 11 => return Err(format!("reserved serial type {serial}")),
            n => usize::try_from((n - 12) / 2).map_err(|_| "record value too large")?,
        };
        let bytes = body
            .checked_add(width)
            .and_then(|end| payload.get(body..end))
            .ok_or("record value runs past the payload")?;
        body += width;
        columns.push(match serial {
            0 => Value::Null,
            8 => Value::Integer(0),
            9 => Value::Integer(1),
            1..=6 => {
                // Big-endian two's complement of 1-8 bytes.
                let sign = if bytes[0] & 0x80 != 0 { -1i64 } else { 0 };
                Value::Integer(bytes.iter().fold(sign, |n, &b| (n << 8) | i64::from(b)))
            }
            7 => Value::Real(f64::from_be_bytes(bytes.try_into().map_err(|_| "real")?)),
            n if n % 2 == 0 => Value::Blob(bytes.to_vec()),
            _ => Value::Text(String::from_utf8_lossy(bytes).into_owned()),
        });
    }
    Ok(columns)
}

/// SQLite's variable-length integer: up to 9 bytes, big-endian, 7 bits a
/// byte and all 8 bits of the ninth.
fn varint(data: &[u8], at: &mut usize) -> Result<u64, String> {
    let mut value = 0u64;
    for i in 0..9 {
        let byte = *data.get(*at).ok_or("varint runs past the data")?;
        *at += 1;
        if i == 8 {
            return Ok((value << 8) | u64::from(byte));
        }
        value = (value << 7) | u64::from(byte & 0x7f);
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Ok(value)
}

fn be16(data: &[u8], at: usize) -> Result<u16, String> {
    match data.get(at..at + 2) {
        Some(&[a, b]) => Ok(u16::from_be_bytes([a, b])),
        _ => Err("page header runs past the page".into()),
    }
}

fn be32(data: &[u8], at: usize) -> Result<u32, String> {
    match data.get(at..at + 4) {
        Some(&[a, b, c, d]) => Ok(u32::from_be_bytes([a, b, c, d])),
        _ => Err("page pointer runs past the page".into()),
    }
}

#[cfg(test)]
mod tests;
