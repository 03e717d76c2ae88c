"""The wizard's pages, one module each; `wizard.ui.window.PAGES` lists them in order."""
