//! Streaming export: each record is written when it is handed over, so an
//! export of a million addresses needs the memory of one record.
//!
//! The writer keeps the order it is given. For files that compare equal
//! across exports (and across export → import → export), hand records over
//! in an order that does not depend on ids: subnets by (version, network
//! address, prefix length), which also puts every parent before its
//! children; pools by subnet, then first address; addresses by subnet, then
//! address; configurations by name.

use std::io::{self, Write};

use super::csv::CsvEncoder;
use super::json::JsonEncoder;
use super::model::{ExportAddress, ExportConfiguration, ExportPool, ExportSubnet};
use super::record::{self, Row};
use super::xml::XmlEncoder;
use super::Format;

/// Writes one export file to `W`.
pub struct ExportWriter<W: Write> {
    encoder: Encoder<W>,
}

/// The CSV encoder is boxed: it is several times the size of the others.
enum Encoder<W: Write> {
    Csv(Box<CsvEncoder<W>>),
    Xml(XmlEncoder<W>),
    Json(JsonEncoder<W>),
}

impl<W: Write> ExportWriter<W> {
    /// Starts the file: the CSV header row, the XML declaration and root
    /// element, or the JSON opening.
    pub fn begin(format: Format, out: W) -> io::Result<Self> {
        let encoder = match format {
            Format::Csv => Encoder::Csv(Box::new(CsvEncoder::begin(out)?)),
            Format::Xml => Encoder::Xml(XmlEncoder::begin(out)?),
            Format::Json => Encoder::Json(JsonEncoder::begin(out)?),
        };
        Ok(ExportWriter { encoder })
    }

    /// The subnet, then its custom field values.
    pub fn subnet(&mut self, subnet: &ExportSubnet) -> io::Result<()> {
        self.write(&record::subnet(subnet))?;
        for (name, value) in &subnet.custom_fields {
            self.write(&record::custom_field(subnet.id, 0, name, value))?;
        }
        Ok(())
    }

    /// The pool, then its custom field values.
    pub fn pool(&mut self, pool: &ExportPool) -> io::Result<()> {
        self.write(&record::pool(pool))?;
        for (name, value) in &pool.custom_fields {
            self.write(&record::custom_field(0, pool.id, name, value))?;
        }
        Ok(())
    }

    pub fn address(&mut self, address: &ExportAddress) -> io::Result<()> {
        self.write(&record::address(address))
    }

    /// The configuration, then its relations.
    pub fn configuration(&mut self, configuration: &ExportConfiguration) -> io::Result<()> {
        self.write(&record::configuration(configuration))?;
        for relation in &configuration.relations {
            self.write(&record::relation(configuration.id, relation))?;
        }
        Ok(())
    }

    /// Closes the file, flushes everything to `out` and hands it back.
    pub fn finish(self) -> io::Result<W> {
        match self.encoder {
            Encoder::Csv(encoder) => encoder.finish(),
            Encoder::Xml(encoder) => encoder.finish(),
            Encoder::Json(encoder) => encoder.finish(),
        }
    }

    fn write(&mut self, row: &Row<'_>) -> io::Result<()> {
        match &mut self.encoder {
            Encoder::Csv(encoder) => encoder.write(row),
            Encoder::Xml(encoder) => encoder.write(row),
            Encoder::Json(encoder) => encoder.write(row),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::rc::Rc;
    use std::time::{Duration, Instant};

    use super::*;
    use crate::core::address::{Address, IpVersion};
    use crate::core::exchange::model::AddressStatus;

    /// Counts the bytes that reach the output and keeps none, like a
    /// download streaming to the browser.
    #[derive(Clone, Default)]
    struct Meter(Rc<Cell<u64>>);

    impl Write for Meter {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.set(self.0.get() + bytes.len() as u64);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// Writes `count` addresses of 10.0.0.0/8; the bytes that reached the
    /// output before `finish`, and in all.
    fn export_addresses(format: Format, count: u128) -> (u64, u64) {
        let meter = Meter::default();
        let mut writer = ExportWriter::begin(format, meter.clone()).unwrap();
        let mut address = ExportAddress {
            subnet_id: 1,
            pool_id: 0,
            ip: Address::new(IpVersion::V4, 0x0a00_0000).unwrap(),
            prefix_length: 32,
            status: AddressStatus::Free,
            note: String::new(),
            assignment: None,
        };
        for offset in 0..count {
            address.ip = Address::new(IpVersion::V4, 0x0a00_0000 + offset).unwrap();
            writer.address(&address).unwrap();
        }
        let before_finish = meter.0.get();
        writer.finish().unwrap();
        (before_finish, meter.0.get())
    }

    /// Nothing waits for `finish`: all but a small buffer has reached the
    /// output, so memory does not grow with the export.
    #[test]
    fn output_flows_while_records_are_written() {
        for format in [Format::Csv, Format::Xml, Format::Json] {
            let (before_finish, total) = export_addresses(format, 20_000);
            assert!(total > 20_000 * 40, "{format:?} wrote {total} bytes");
            assert!(total - before_finish <= 64 * 1024, "{format:?} held back {} bytes", total - before_finish);
        }
    }

    /// The requirement: a million addresses in under 10 seconds. Timing
    /// means nothing in a debug build, so run it with
    /// `cargo test --release --no-default-features --lib core::exchange -- --ignored`.
    #[test]
    #[ignore = "timing; run in a release build"]
    fn exports_a_million_addresses_in_time() {
        for format in [Format::Csv, Format::Xml, Format::Json] {
            let started = Instant::now();
            export_addresses(format, 1_000_000);
            let took = started.elapsed();
            assert!(took < Duration::from_secs(10), "{format:?} took {took:?}");
            eprintln!("{format:?}: {took:?}");
        }
    }
}
