"""`python -m qa_app` is the `qadesk` command."""
from qa_app.cli import main

if __name__ == "__main__":
    main()
