//! The SQLite reader over databases written here page by page (the file
//! format, <https://www.sqlite.org/fileformat.html>) and over hostile ones.
//! The real rpm database of tests/fixtures/rpm is read in rpm.rs's tests.

use super::*;

const PAGE: usize = 512;
/// Usable bytes of a page (no reserved space).
const USABLE: u64 = PAGE as u64;

fn varint(mut value: u64) -> Vec<u8> {
    if value > (1 << 56) - 1 {
        let mut out: Vec<u8> = (0..8)
            .rev()
            .map(|i| 0x80 | ((value >> (8 + 7 * i)) & 0x7f) as u8)
            .collect();
        out.push(value as u8);
        return out;
    }
    let mut groups = vec![(value & 0x7f) as u8];
    value >>= 7;
    while value > 0 {
        groups.push(0x80 | (value & 0x7f) as u8);
        value >>= 7;
    }
    groups.reverse();
    groups
}

/// A record: header of serial types, then the values.
fn record_bytes(columns: &[Value]) -> Vec<u8> {
    let mut types = Vec::new();
    let mut body = Vec::new();
    for column in columns {
        match column {
            Value::Null => types.extend(varint(0)),
            Value::Integer(n) => {
                types.extend(varint(6));
                body.extend_from_slice(&n.to_be_bytes());
            }
            Value::Real(x) => {
                types.extend(varint(7));
                body.extend_from_slice(&x.to_be_bytes());
            }
            Value::Text(text) => {
                types.extend(varint(13 + 2 * text.len() as u64));
                body.extend_from_slice(text.as_bytes());
            }
            Value::Blob(blob) => {
                types.extend(varint(12 + 2 * blob.len() as u64));
                body.extend_from_slice(blob);
            }
        }
    }
    let mut out = varint(types.len() as u64 + 1);
    out.extend(types);
    out.extend(body);
    out
}

/// A page of `kind` holding `cells` at its end, pointers after the header
/// (at `offset`, 100 on page 1); `right` is an interior page's last child.
fn page(kind: u8, cells: &[Vec<u8>], offset: usize, right: Option<u32>) -> Vec<u8> {
    let mut page = vec![0u8; PAGE];
    page[offset] = kind;
    page[offset + 3..offset + 5].copy_from_slice(&(cells.len() as u16).to_be_bytes());
    let header = if right.is_some() { 12 } else { 8 };
    if let Some(child) = right {
        page[offset + 8..offset + 12].copy_from_slice(&child.to_be_bytes());
    }
    let mut end = PAGE;
    for (index, cell) in cells.iter().enumerate() {
        end -= cell.len();
        page[end..end + cell.len()].copy_from_slice(cell);
        let pointer = offset + header + 2 * index;
        page[pointer..pointer + 2].copy_from_slice(&(end as u16).to_be_bytes());
    }
    assert!(
        offset + header + 2 * cells.len() <= end,
        "cells fit the page"
    );
    page
}

/// A table leaf cell whose payload fits its page.
fn leaf_cell(rowid: u64, payload: &[u8]) -> Vec<u8> {
    assert!(payload.len() as u64 <= USABLE - 35);
    let mut cell = varint(payload.len() as u64);
    cell.extend(varint(rowid));
    cell.extend_from_slice(payload);
    cell
}

/// A table leaf cell whose payload spills onto overflow pages starting at
/// `first`: the cell, and the overflow pages' contents.
fn spilling_cell(rowid: u64, payload: &[u8], first: u32) -> (Vec<u8>, Vec<Vec<u8>>) {
    let size = payload.len() as u64;
    let min_local = (USABLE - 12) * 32 / 255 - 23;
    let spill = min_local + (size - min_local) % (USABLE - 4);
    let local = if spill <= USABLE - 35 {
        spill
    } else {
        min_local
    } as usize;
    let mut cell = varint(size);
    cell.extend(varint(rowid));
    cell.extend_from_slice(&payload[..local]);
    cell.extend_from_slice(&first.to_be_bytes());
    let chunks: Vec<&[u8]> = payload[local..].chunks(PAGE - 4).collect();
    let pages = chunks
        .iter()
        .enumerate()
        .map(|(index, chunk)| {
            let next = if index + 1 == chunks.len() {
                0
            } else {
                first + index as u32 + 1
            };
            let mut page = next.to_be_bytes().to_vec();
            page.extend_from_slice(chunk);
            page.resize(PAGE, 0);
            page
        })
        .collect();
    (cell, pages)
}

/// An interior cell: left child page and its largest rowid.
fn interior_cell(child: u32, key: u64) -> Vec<u8> {
    let mut cell = child.to_be_bytes().to_vec();
    cell.extend(varint(key));
    cell
}

/// The schema page (page 1) naming table `t` at `root`.
fn schema(root: i64) -> Vec<u8> {
    let row = record_bytes(&[
        Value::Text("table".into()),
        Value::Text("t".into()),
        Value::Text("t".into()),
        Value::Integer(root),
        Value::Text("CREATE TABLE t(a, b)".into()),
    ]);
    let mut first = page(LEAF_TABLE, &[leaf_cell(1, &row)], 100, None);
    first[..16].copy_from_slice(b"SQLite format 3\0");
    first[16..18].copy_from_slice(&(PAGE as u16).to_be_bytes());
    first[56..60].copy_from_slice(&1u32.to_be_bytes()); // UTF-8
    first
}

/// Page 1 schema; page 2 the root (interior) of `t` over leaves 3 and 4;
/// row 3's blob spills onto pages 5 and 6.
fn database() -> (Vec<u8>, Vec<u8>) {
    let big: Vec<u8> = (0..1_000u32).map(|i| (i % 251) as u8).collect();
    let rows = [
        record_bytes(&[Value::Integer(-7), Value::Text("héllo".into())]),
        record_bytes(&[Value::Real(1.5), Value::Null]),
    ];
    let (spilling, overflow) = spilling_cell(
        3,
        &record_bytes(&[Value::Integer(3), Value::Blob(big.clone())]),
        5,
    );
    let mut file = schema(2);
    file.extend(page(INTERIOR_TABLE, &[interior_cell(3, 2)], 0, Some(4)));
    file.extend(page(
        LEAF_TABLE,
        &[leaf_cell(1, &rows[0]), leaf_cell(2, &rows[1])],
        0,
        None,
    ));
    file.extend(page(LEAF_TABLE, &[spilling], 0, None));
    assert_eq!(overflow.len(), 2);
    for overflow_page in overflow {
        file.extend(overflow_page);
    }
    (file, big)
}

fn all_rows(file: &[u8]) -> Result<Vec<(i64, Vec<Value>)>, String> {
    let database = Database::open(file)?;
    let root = database.table_root("T")?;
    let mut rows = Vec::new();
    database.rows(root, |rowid, columns| {
        rows.push((rowid, columns));
        true
    })?;
    Ok(rows)
}

#[test]
fn reads_rows_across_interior_leaf_and_overflow_pages() {
    let (file, big) = database();
    let rows = all_rows(&file).expect("readable");
    assert_eq!(
        rows,
        vec![
            (1, vec![Value::Integer(-7), Value::Text("héllo".into())]),
            (2, vec![Value::Real(1.5), Value::Null]),
            (3, vec![Value::Integer(3), Value::Blob(big)]),
        ]
    );
    let database = Database::open(&file).expect("open");
    assert!(database.table_root("missing").is_err());
    // The visitor can stop the walk.
    let mut seen = 0;
    database
        .rows(2, |_, _| {
            seen += 1;
            false
        })
        .expect("rows");
    assert_eq!(seen, 1);
}

#[test]
fn loops_of_child_or_overflow_pointers_are_errors() {
    let (file, _) = database();
    // The interior page's right-most child is the interior page itself.
    let mut child_loop = file.clone();
    child_loop[PAGE + 8..PAGE + 12].copy_from_slice(&2u32.to_be_bytes());
    let error = all_rows(&child_loop).expect_err("loop");
    assert!(error.contains("referenced twice"), "{error}");
    // The first overflow page (page 5) points at itself.
    let mut overflow_loop = file.clone();
    overflow_loop[4 * PAGE..4 * PAGE + 4].copy_from_slice(&5u32.to_be_bytes());
    assert!(all_rows(&overflow_loop).is_err_and(|e| e.contains("referenced twice")));
    // A leaf whose cell pointers all name the same cell.
    let cell = leaf_cell(1, &record_bytes(&[Value::Blob(vec![7; 400])]));
    let mut repeated = page(LEAF_TABLE, &[cell], 0, None);
    let pointer = [repeated[8], repeated[9]];
    let count = 40u16;
    repeated[3..5].copy_from_slice(&count.to_be_bytes());
    for index in 0..usize::from(count) {
        repeated[8 + 2 * index..10 + 2 * index].copy_from_slice(&pointer);
    }
    let mut file = schema(2);
    file.extend(repeated);
    let error = all_rows(&file).expect_err("overlap");
    assert!(error.contains("overlap"), "{error}");
}

#[test]
fn huge_declared_lengths_are_errors_without_allocating_them() {
    // A payload claiming 2^62 bytes whose overflow chain ends at once.
    let mut cell = varint(1 << 62);
    cell.extend(varint(1));
    cell.extend(vec![0u8; 32]);
    cell.extend(0u32.to_be_bytes());
    let mut file = schema(2);
    file.extend(page(LEAF_TABLE, &[cell], 0, None));
    assert!(all_rows(&file).is_err());
    // A record header longer than its payload, and a column of 2^61 bytes.
    for record in [
        [varint(1 << 40), vec![0]].concat(),
        [vec![11], varint(12 + (1 << 62))].concat(),
        vec![2, 10],
    ] {
        let mut file = schema(2);
        file.extend(page(LEAF_TABLE, &[leaf_cell(1, &record)], 0, None));
        assert!(all_rows(&file).is_err(), "{record:?}");
    }
    // Cell pointers and child pages outside the page or the file.
    let mut outside = schema(2);
    let mut leaf = page(LEAF_TABLE, &[leaf_cell(1, &[2, 0])], 0, None);
    leaf[8..10].copy_from_slice(&u16::MAX.to_be_bytes());
    outside.extend(leaf);
    assert!(all_rows(&outside).is_err_and(|e| e.contains("out of the page")));
    let mut beyond = schema(9);
    beyond.extend(vec![0u8; PAGE]);
    assert!(all_rows(&beyond).is_err_and(|e| e.contains("out of the file")));
}

#[test]
fn truncated_and_damaged_files_never_panic() {
    let (file, _) = database();
    for cut in 0..file.len() {
        let _ = all_rows(&file[..cut]);
    }
    for at in 0..file.len() {
        for flip in [0xff, 0x80, 0x01] {
            let mut copy = file.clone();
            copy[at] ^= flip;
            let _ = all_rows(&copy);
        }
    }
}

#[test]
fn headers_other_than_sqlite_3_utf8_are_refused() {
    let (file, _) = database();
    assert!(Database::open(b"SQLite format 3\0").is_err());
    assert!(Database::open(&[0u8; 4096]).is_err());
    let mut odd_page = file.clone();
    odd_page[16..18].copy_from_slice(&1000u16.to_be_bytes());
    assert!(Database::open(&odd_page).is_err_and(|e| e.contains("page size")));
    let mut utf16 = file.clone();
    utf16[56..60].copy_from_slice(&2u32.to_be_bytes());
    assert!(Database::open(&utf16).is_err_and(|e| e.contains("UTF-8")));
    let mut reserved = file;
    reserved[20] = 64;
    assert!(Database::open(&reserved).is_err_and(|e| e.contains("480")));
}
