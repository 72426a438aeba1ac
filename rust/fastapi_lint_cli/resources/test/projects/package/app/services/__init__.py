from .users import load as load_user
