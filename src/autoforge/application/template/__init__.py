"""Use cases of templates: browsing, saving and starting a prompt from one."""
