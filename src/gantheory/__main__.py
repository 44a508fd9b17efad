from gantheory.cli import main

raise SystemExit(main())
