//! The hand-written DER reader `renew` runs on every cert.pem at every
//! run: any bytes must give fields or an error, never a panic. Where
//! OpenSSL also accepts the certificate, both must read the same serial,
//! notBefore and notAfter (a differential check of the scan).
#![no_main]
use certwright::renew::cert_scan;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let _ = cert_scan::read_pem(data, Path::new("cert.pem")).map(|f| f.facts());
    let Ok(fields) = cert_scan::parse_der(data) else {
        return;
    };
    let facts = fields.facts();
    assert!(!facts.serial.is_empty());
    if let Some(id) = &facts.cert_id {
        assert_eq!(id.matches('.').count(), 1, "{id}");
    }
    let Ok(cert) = openssl::x509::X509::from_der(data) else {
        return;
    };
    // OpenSSL reads only as much DER as the certificate spans; the scan
    // must agree on that certificate's fields.
    if let Some(not_after) = certwright::crypto::asn1_to_system_time(cert.not_after()) {
        assert_eq!(not_after, fields.not_after, "notAfter");
    }
    if let Some(not_before) = certwright::crypto::asn1_to_system_time(cert.not_before()) {
        assert_eq!(not_before, fields.not_before, "notBefore");
    }
    if let Ok(bn) = cert.serial_number().to_bn()
        && !bn.is_negative()
        && let Ok(hex) = bn.to_hex_str()
    {
        assert_eq!(hex.to_string(), facts.serial, "serial");
    }
});
