"""The apps' look: larger type and controls than JupyterLab's defaults for office PCs and TV screens,
calm colours, an error red and a success green that read as such without relying on colour alone
(each message also says what happened)."""

LABEL_WIDTH = "9em"  # fits seven Chinese characters at the apps' font size
INPUT_WIDTH = "24em"

STYLE = """<style>
.sk-app { --jp-widgets-font-size: 16px; --jp-widgets-inline-height: 34px;
  --jp-widgets-horizontal-tab-height: 38px; --jp-widgets-horizontal-tab-width: 9em;
  font-size: 16px; color: #1f2328; max-width: 1180px; }
.sk-app .sk-row { margin: 3px 0; }
.sk-app .sk-label .widget-html-content { padding-right: 14px; font-weight: 600; color: #344054; }
.sk-app .lm-TabBar-tab { font-size: 17px; }
.sk-app input[type="checkbox"], .sk-app input[type="radio"] { width: 18px; height: 18px; margin-right: 6px;
  align-self: center; margin-top: 0; margin-bottom: 0; }
.sk-app .widget-checkbox label { display: flex; align-items: center; }
.sk-app .widget-radio-box label { margin: 3px 0; line-height: 1.6; }
.sk-app .sk-invalid input, .sk-app .sk-invalid select { border-color: #d92d20; }
.sk-app .sk-message { max-width: 50em; }
.sk-app .sk-field-error .widget-html-content, .sk-app .sk-message .widget-html-content,
.sk-app .sk-hint .widget-html-content, .sk-app .sk-block .widget-html-content { line-height: 1.6; }
.sk-app .sk-field-error { color: #b42318; }
.sk-app .sk-required { color: #d92d20; margin-left: 2px; }
.sk-app .sk-hint { color: #475467; }
.sk-msg { padding: 8px 14px; border-radius: 4px; margin: 6px 0; }
.sk-msg ul { margin: 4px 0 0 0; padding-left: 1.4em; }
.sk-msg-error { color: #b42318; background: #fef3f2; border-left: 4px solid #d92d20; }
.sk-msg-success { color: #067647; background: #ecfdf3; border-left: 4px solid #17b26a; }
.sk-msg-info { color: #1f2328; background: #f2f4f7; border-left: 4px solid #98a2b3; }
.sk-app .sk-title .widget-html-content { font-size: 28px; font-weight: 700; line-height: 1.5; }
.sk-app .sk-subtitle .widget-html-content { color: #475467; line-height: 1.5; }
.sk-app .sk-section .widget-html-content { font-size: 18px; font-weight: 700; line-height: 2; }
.sk-app .jupyter-button { font-size: 16px; height: 36px; padding: 0 18px; }
.sk-app .widget-checkbox { width: auto; }
.sk-cells { display: grid; column-gap: 8px; line-height: 1.6; padding: 4px 0; }
.sk-cells > span { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.sk-cells-header { font-weight: 600; color: #344054; }
.sk-table { border-collapse: collapse; font-size: 15px; line-height: 1.5; }
.sk-table th, .sk-table td { border-bottom: 1px solid #eaecf0; padding: 6px 10px; text-align: left;
  white-space: nowrap; }
.sk-table th { background: #f9fafb; font-weight: 600; color: #344054; }
.sk-download { display: inline-block; padding: 6px 16px; margin: 6px 0; border: 1px solid #1570ef;
  border-radius: 4px; color: #1570ef; font-weight: 600; text-decoration: none; }
.sk-download:hover { background: #eff8ff; }
</style>"""
