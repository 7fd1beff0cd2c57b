//! Every command's `--help` ends with at least one example of that very
//! command, so a sysadmin can copy a working line.

#[test]
fn every_subcommand_help_shows_an_example_of_itself() {
    let mut root = certwright::cli::command();
    root.build();
    let mut paths: Vec<Vec<String>> = vec![vec![]];
    for sub in root.get_subcommands().filter(|s| s.get_name() != "help") {
        paths.push(vec![sub.get_name().to_string()]);
        for subsub in sub.get_subcommands().filter(|s| s.get_name() != "help") {
            paths.push(vec![sub.get_name().into(), subsub.get_name().into()]);
        }
    }
    assert!(paths.len() > 10, "{paths:?}");
    for path in paths {
        let out = std::process::Command::new(crate::common::BIN)
            .args(&path)
            .arg("--help")
            .output()
            .unwrap();
        assert!(out.status.success(), "{path:?} --help failed");
        let help = String::from_utf8(out.stdout).unwrap();
        let (_, examples) = help.split_once("\nExample").unwrap_or_else(|| {
            panic!(
                "certwright {} --help has no example:\n{help}",
                path.join(" ")
            )
        });
        let invocation = std::iter::once("certwright".to_string())
            .chain(path.iter().cloned())
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            examples.lines().any(|l| l
                .trim_start()
                .trim_start_matches("sudo ")
                .starts_with(&invocation)),
            "no example of `{invocation}` in its --help:\n{help}"
        );
    }
}
