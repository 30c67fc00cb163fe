import os

# Tests run with the embedded defaults and a throwaway secret; the environment may add DATABASE_URL/REDIS_URL.
os.environ.setdefault("TESTING", "1")
