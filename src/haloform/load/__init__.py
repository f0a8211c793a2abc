"""Loading a config repo: guarded YAML, documents and ``${vars}``, the typed Repo,
``haloform.yaml``, and the offline checks ``validate`` runs. Reads files, never a tenant."""
