complete --keep-order --exclusive --command certwright --arguments "(COMPLETE=fish certwright -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
