"""`python -m wijkkompas` runs the same command line as `wijkkompas`."""

from wijkkompas.cli import main

if __name__ == "__main__":
    main()
