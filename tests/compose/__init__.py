"""compose.yaml, the Dockerfile and their documentation, validated without Docker."""
