"""The playground: an interactive page that trains barenet itself, live.

``barenet playground`` serves it on 127.0.0.1.  The modules, from the data to
the page:

``config``   the page's controls, checked, and the run they describe
``upload``   an uploaded CSV file of two features and a label
``session``  one tab's run: data, split, ``NeuralNetClassifier``, training steps
``frames``   what the page draws, computed by the estimator and the engine
``snippet``  Python code that rebuilds a run
``server``   the web application (Starlette): page, WebSocket, downloads
``serve``    running it on uvicorn, from the command line or in a background thread
``static/``  the page itself: HTML, CSS and plain JavaScript, nothing fetched from elsewhere

Only ``server`` and ``serve`` need the ``web`` extra (``pip install 'barenet[web]'``).
"""
