from dlso_desktop.cli import main

raise SystemExit(main())
