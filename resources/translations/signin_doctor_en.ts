<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="en_US">
<context>
    <name>SigninDoctor</name>
    <message>
        <location filename="../../wizard/ui/accessibility.py"/>
        <source>Step {n} of {total}: {label} — {state}</source>
        <translation>Step {n} of {total}: {label} — {state}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/accessibility.py"/>
        <source>{detail}. Press Enter to see what was checked for this step.</source>
        <translation>{detail}. Press Enter to see what was checked for this step.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/accessibility.py"/>
        <source>Goes back to the previous step.</source>
        <translation>Goes back to the previous step.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/accessibility.py"/>
        <source>Goes on to the next step.</source>
        <translation>Goes on to the next step.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/accessibility.py"/>
        <source>Closes Sign-in Doctor.</source>
        <translation>Closes Sign-in Doctor.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/accessibility.py"/>
        <source>Stops the checks if they are running; otherwise closes.</source>
        <translation>Stops the checks if they are running; otherwise closes.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/accessibility.py"/>
        <source>Watches your next sign-in attempt and explains what fails.</source>
        <translation>Watches your next sign-in attempt and explains what fails.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/after_fix.py"/>
        <source>One more step before it works:</source>
        <translation>One more step before it works:</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/after_fix.py"/>
        <source>Then press Check again.</source>
        <translation>Then press Check again.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/after_fix.py"/>
        <source>Fixed on this computer. Now:</source>
        <translation>Fixed on this computer. Now:</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/after_fix.py"/>
        <source>Fixed on this computer. Now sign in again.</source>
        <translation>Fixed on this computer. Now sign in again.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/after_fix.py"/>
        <source>What to do now</source>
        <translation>What to do now</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/after_fix.py"/>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <source>Check again</source>
        <translation>Check again</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/after_fix.py"/>
        <source>Runs the checks again, after you have done the step above.</source>
        <translation>Runs the checks again, after you have done the step above.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/after_fix.py"/>
        <source>Did sign-in work?</source>
        <translation>Did sign-in work?</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/after_fix.py"/>
        <source>Yes, it worked</source>
        <translation>Yes, it worked</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/after_fix.py"/>
        <source>Ends here: sign-in works.</source>
        <translation>Ends here: sign-in works.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/after_fix.py"/>
        <source>No, it still fails</source>
        <translation>No, it still fails</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/after_fix.py"/>
        <source>Goes back to the result, where you can save the case for your help desk.</source>
        <translation>Goes back to the result, where you can save the case for your help desk.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/checked_panel.py"/>
        <source>What was checked ({count} checks)</source>
        <translation>What was checked ({count} checks)</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/checked_panel.py"/>
        <source>Worked: {names}.</source>
        <translation>Worked: {names}.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/checked_panel.py"/>
        <source>Not checked: {names}.</source>
        <translation>Not checked: {names}.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/diagram.py"/>
        <source>Sign-in steps</source>
        <translation>Sign-in steps</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/diagram.py"/>
        <source>{label}: {state}. Click to see what was checked.</source>
        <translation>{label}: {state}. Click to see what was checked.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/history_view.py"/>
        <source>Before the fix</source>
        <translation>Before the fix</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/history_view.py"/>
        <source>After the fix</source>
        <translation>After the fix</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/history_view.py"/>
        <source>Before undoing</source>
        <translation>Before undoing</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/history_view.py"/>
        <source>After undoing</source>
        <translation>After undoing</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/history_view.py"/>
        <source>Last time ({when})</source>
        <translation>Last time ({when})</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/history_view.py"/>
        <source>Now</source>
        <translation>Now</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/history_view.py"/>
        <source>{check}: {before} → {after}</source>
        <translation>{check}: {before} → {after}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/history_view.py"/>
        <source>Before and after</source>
        <translation>Before and after</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/history_view.py"/>
        <location filename="../../wizard/ui/pages/share.py"/>
        <location filename="../../wizard/ui/text.py"/>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/history_view.py"/>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Unclear</source>
        <translation>Unclear</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/history_view.py"/>
        <location filename="../../wizard/ui/text.py"/>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/history_view.py"/>
        <source>{heading}: {word} — {title}</source>
        <translation>{heading}: {word} — {title}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/history_view.py"/>
        <source>… and {n} more</source>
        <translation>… and {n} more</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/language.py"/>
        <source>Language</source>
        <translation>Language</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/language.py"/>
        <source>The language of Sign-in Doctor. Changing it redraws the window.</source>
        <translation>The language of Sign-in Doctor. Changing it redraws the window.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <source>This check took too long and was stopped.</source>
        <translation>This check took too long and was stopped.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <source>This check ran into a problem of its own. The details are in the report.</source>
        <translation>This check ran into a problem of its own. The details are in the report.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <source>Checking this computer</source>
        <translation>Checking this computer</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <source>This takes a few seconds. Nothing is changed.</source>
        <translation>This takes a few seconds. Nothing is changed.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <source>Checks done</source>
        <translation>Checks done</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <source>%v of %m checks done</source>
        <translation>%v of %m checks done</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <source>How many of the checks have finished.</source>
        <translation>How many of the checks have finished.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <source>Progress</source>
        <translation>Progress</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <location filename="../../wizard/ui/watch_dialog.py"/>
        <source>Stop</source>
        <translation>Stop</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <source>Stop checking</source>
        <translation>Stop checking</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <source>Stops the checks that are still running. Nothing is changed.</source>
        <translation>Stops the checks that are still running. Nothing is changed.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <source>Runs every check again from the start.</source>
        <translation>Runs every check again from the start.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <location filename="../../wizard/ui/widgets.py"/>
        <source>Checking…</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <source>Stopping…</source>
        <translation>Stopping…</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <source>Stopped before it finished.</source>
        <translation>Stopped before it finished.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <source>Done.</source>
        <translation>Done.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <source>Stopped after %v of %m checks</source>
        <translation>Stopped after %v of %m checks</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <source>Stopped. Nothing was changed. Press Check again to start over.</source>
        <translation>Stopped. Nothing was changed. Press Check again to start over.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <source>Sign-in Doctor could not finish checking. Press Check again to retry.</source>
        <translation>Sign-in Doctor could not finish checking. Press Check again to retry.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/done.py"/>
        <source>Done</source>
        <translation>Done</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/done.py"/>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <location filename="../../wizard/ui/pages/share.py"/>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Close</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/done.py"/>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>No problem found</source>
        <translation>No problem found</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/done.py"/>
        <source>Sign-in works</source>
        <translation>Sign-in works</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/done.py"/>
        <source>Good: Codex is signed in. You can close Sign-in Doctor. If sign-in fails again, open it again (this was case {case_id}).</source>
        <translation>Good: Codex is signed in. You can close Sign-in Doctor. If sign-in fails again, open it again (this was case {case_id}).</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Variables for your user account:</source>
        <translation>Variables for your user account:</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>(no change)</source>
        <translation>(no change)</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>File {path}:</source>
        <translation>File {path}:</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Not done automatically: {reason}</source>
        <translation>Not done automatically: {reason}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Choose the certificate file IT gave you…</source>
        <translation>Choose the certificate file IT gave you…</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Pick the root certificate file your IT department gave you.</source>
        <translation>Pick the root certificate file your IT department gave you.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Command {n}</source>
        <translation>Command {n}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Open the status page</source>
        <translation>Open the status page</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Opens OpenAI&apos;s status page in your browser.</source>
        <translation>Opens OpenAI&apos;s status page in your browser.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>What will change:</source>
        <translation>What will change:</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>What will change</source>
        <translation>What will change</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Exactly what Apply changes on this computer.</source>
        <translation>Exactly what Apply changes on this computer.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Afterwards: </source>
        <translation>Afterwards: </translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>End {name}</source>
        <translation>End {name}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Asks you first, then ends that program and checks again.</source>
        <translation>Asks you first, then ends that program and checks again.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Apply</source>
        <translation>Apply</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Apply: {title}</source>
        <translation>Apply: {title}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Makes the change shown above, then checks again. You can undo it.</source>
        <translation>Makes the change shown above, then checks again. You can undo it.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Undo</source>
        <translation>Undo</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Undo: {title}</source>
        <translation>Undo: {title}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Puts back exactly what was there before, then checks again.</source>
        <translation>Puts back exactly what was there before, then checks again.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Details: {title}</source>
        <translation>Details: {title}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>How to fix it</source>
        <translation>How to fix it</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Preparing the steps…</source>
        <translation>Preparing the steps…</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>What to do next</source>
        <translation>What to do next</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>There is nothing to change on this computer. Share the report with your help desk or OpenAI support.</source>
        <translation>There is nothing to change on this computer. Share the report with your help desk or OpenAI support.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Choose your organisation&apos;s root certificate</source>
        <translation>Choose your organisation&apos;s root certificate</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation>Certificates (*.pem *.crt *.cer);;All files (*)</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>End {name}?</source>
        <translation>End {name}?</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Sign-in Doctor ends {name} so that Codex can use the port. Anything unsaved in {name} is lost.</source>
        <translation>Sign-in Doctor ends {name} so that Codex can use the port. Anything unsaved in {name} is lost.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Applying…</source>
        <translation>Applying…</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Undoing…</source>
        <translation>Undoing…</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Checking again…</source>
        <translation>Checking again…</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Nothing was changed.</source>
        <translation>Nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Checked again: {title}.</source>
        <translation>Checked again: {title}.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Changed on this computer.</source>
        <translation>Changed on this computer.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Checked again: the problem is still there ({title}).</source>
        <translation>Checked again: the problem is still there ({title}).</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>WARN</source>
        <translation>WARN</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>PROBLEM</source>
        <translation>PROBLEM</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>not checked</source>
        <translation>not checked</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>could not check</source>
        <translation>could not check</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Sign-in Doctor - case {case_id}</source>
        <translation>Sign-in Doctor - case {case_id}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Result: {title}</source>
        <translation>Result: {title}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>What to do: {action}</source>
        <translation>What to do: {action}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Failing step: {number}. {label} ({step})</source>
        <translation>Failing step: {number}. {label} ({step})</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Also found: {causes}</source>
        <translation>Also found: {causes}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Checked: {url} at {time}</source>
        <translation>Checked: {url} at {time}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Checks:</source>
        <translation>Checks:</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Error message seen: {meaning}</source>
        <translation>Error message seen: {meaning}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Share with your help desk</source>
        <translation>Share with your help desk</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Case number</source>
        <translation>Case number</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Save the report</source>
        <translation>Save the report</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>See exactly what will be saved…</source>
        <translation>See exactly what will be saved…</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Shows the report files before saving, and lets you hide more from them.</source>
        <translation>Shows the report files before saving, and lets you hide more from them.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Folder for the report</source>
        <translation>Folder for the report</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>The report is saved in a new folder named after the case, inside this one.</source>
        <translation>The report is saved in a new folder named after the case, inside this one.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Choose folder…</source>
        <translation>Choose folder…</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Opens a window to pick another folder.</source>
        <translation>Opens a window to pick another folder.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Folder:</source>
        <translation>Folder:</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Save report</source>
        <translation>Save report</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Saves the report files shown in the preview into the folder above.</source>
        <translation>Saves the report files shown in the preview into the folder above.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Save picture of the result</source>
        <translation>Save picture of the result</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Saves a picture of the result, with the case number on it, into the folder.</source>
        <translation>Saves a picture of the result, with the case number on it, into the folder.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Open folder</source>
        <translation>Open folder</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Opens the folder with the saved report, to attach it to an e-mail or ticket.</source>
        <translation>Opens the folder with the saved report, to attach it to an e-mail or ticket.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Summary to paste</source>
        <translation>Summary to paste</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Paste this into an e-mail, chat or support ticket.</source>
        <translation>Paste this into an e-mail, chat or support ticket.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>The same words the Copy summary button copies.</source>
        <translation>The same words the Copy summary button copies.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Copy summary</source>
        <translation>Copy summary</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Copies the summary so you can paste it into an e-mail, chat or ticket.</source>
        <translation>Copies the summary so you can paste it into an e-mail, chat or ticket.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Give your help desk or OpenAI support this case number:</source>
        <translation>Give your help desk or OpenAI support this case number:</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>The report holds the results of every check and the verdict, as JSON, HTML and text.</source>
        <translation>The report holds the results of every check and the verdict, as JSON, HTML and text.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Removed before saving: {removed}.</source>
        <translation>Removed before saving: {removed}.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Passwords, sign-in codes, e-mail addresses and your user name are always removed.</source>
        <translation>Passwords, sign-in codes, e-mail addresses and your user name are always removed.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Also hidden: {items}.</source>
        <translation>Also hidden: {items}.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Choose a folder</source>
        <translation>Choose a folder</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <location filename="../../wizard/ui/widgets.py"/>
        <source>Copied</source>
        <translation>Copied</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Saved:</source>
        <translation>Saved:</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Could not save there. Choose another folder and try again.</source>
        <translation>Could not save there. Choose another folder and try again.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Some checks could not run, so Sign-in Doctor cannot name a cause.</source>
        <translation>Some checks could not run, so Sign-in Doctor cannot name a cause.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Some checks did not pass, but none of them proves a known cause: {names}.</source>
        <translation>Some checks did not pass, but none of them proves a known cause: {names}.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Result</source>
        <translation>Result</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Share…</source>
        <translation>Share…</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Verdict</source>
        <translation>Verdict</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Cause</source>
        <translation>Cause</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>About your error message</source>
        <translation>About your error message</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>The checks behind the result, with their technical details.</source>
        <translation>The checks behind the result, with their technical details.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Shows or hides the technical details of the checks.</source>
        <translation>Shows or hides the technical details of the checks.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Problem found</source>
        <translation>Problem found</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Case {case_id}</source>
        <translation>Case {case_id}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>What to do:</source>
        <translation>What to do:</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Also found: {causes}.</source>
        <translation>Also found: {causes}.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Opens the steps that fix this problem.</source>
        <translation>Opens the steps that fix this problem.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Opens the page where you save the report for your help desk.</source>
        <translation>Opens the page where you save the report for your help desk.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Codex on port {port}</source>
        <translation>Codex on port {port}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Get help from your help desk</source>
        <translation>Get help from your help desk</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Fix it</source>
        <translation>Fix it</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Show me how</source>
        <translation>Show me how</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Step {n}</source>
        <translation>Step {n}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>No check on this computer can test this step; it happens in your browser and at OpenAI.</source>
        <translation>No check on this computer can test this step; it happens in your browser and at OpenAI.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Why Sign-in Doctor thinks so</source>
        <translation>Why Sign-in Doctor thinks so</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Technical summary</source>
        <translation>Technical summary</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Every check</source>
        <translation>Every check</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Click a step in the picture above to see what was checked for it.</source>
        <translation>Click a step in the picture above to see what was checked for it.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/welcome.py"/>
        <source>Why can&apos;t I sign in to Codex?</source>
        <translation>Why can&apos;t I sign in to Codex?</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/welcome.py"/>
        <source>Start checking</source>
        <translation>Start checking</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/welcome.py"/>
        <source>Sign-in Doctor checks this computer for the usual reasons why signing in to Codex with ChatGPT fails, and shows you how to fix it.</source>
        <translation>Sign-in Doctor checks this computer for the usual reasons why signing in to Codex with ChatGPT fails, and shows you how to fix it.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/welcome.py"/>
        <source>It looks at:</source>
        <translation>It looks at:</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/welcome.py"/>
        <source>the way from this computer to OpenAI&apos;s sign-in server: network, proxy, certificates and clock</source>
        <translation>the way from this computer to OpenAI&apos;s sign-in server: network, proxy, certificates and clock</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/welcome.py"/>
        <source>the port Codex uses to receive your browser&apos;s return after you sign in</source>
        <translation>the port Codex uses to receive your browser&apos;s return after you sign in</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/welcome.py"/>
        <source>your editor&apos;s Codex settings and Codex&apos;s last sign-in attempt</source>
        <translation>your editor&apos;s Codex settings and Codex&apos;s last sign-in attempt</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/welcome.py"/>
        <location filename="../../wizard/ui/window.py"/>
        <source>Sign-in Doctor</source>
        <translation>Sign-in Doctor</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/welcome.py"/>
        <source>It changes nothing without asking you first. It only contacts OpenAI&apos;s sign-in server and this computer, and sends nothing else anywhere.</source>
        <translation>It changes nothing without asking you first. It only contacts OpenAI&apos;s sign-in server and this computer, and sends nothing else anywhere.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/welcome.py"/>
        <source>Did you see an error message? Paste it here (optional):</source>
        <translation>Did you see an error message? Paste it here (optional):</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/welcome.py"/>
        <source>For example: {example}</source>
        <translation>For example: {example}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/welcome.py"/>
        <source>The error message you saw</source>
        <translation>The error message you saw</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/welcome.py"/>
        <source>Optional. Paste the error text here; its meaning is shown below the box. Enter starts a new line; Ctrl+Enter starts the checks.</source>
        <translation>Optional. Paste the error text here; its meaning is shown below the box. Enter starts a new line; Ctrl+Enter starts the checks.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/welcome.py"/>
        <source>What the error message means</source>
        <translation>What the error message means</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/welcome.py"/>
        <source>Sign-in Doctor does not recognise this message, but the checks look at everything anyway. It will be included in the report.</source>
        <translation>Sign-in Doctor does not recognise this message, but the checks look at everything anyway. It will be included in the report.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/welcome.py"/>
        <source>What this means: {meaning}</source>
        <translation>What this means: {meaning}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/welcome.py"/>
        <source>What this means:</source>
        <translation>What this means:</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/redaction_preview.py"/>
        <source>Always removed, and cannot be shown: {found}.</source>
        <translation>Always removed, and cannot be shown: {found}.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/redaction_preview.py"/>
        <source>Always removed when found: passwords, sign-in codes and tokens, API keys, e-mail addresses and your user name. None were found in this report.</source>
        <translation>Always removed when found: passwords, sign-in codes and tokens, API keys, e-mail addresses and your user name. None were found in this report.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/redaction_preview.py"/>
        <source>What the report will contain</source>
        <translation>What the report will contain</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/redaction_preview.py"/>
        <source>Always removed</source>
        <translation>Always removed</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/redaction_preview.py"/>
        <source>Also hide (for you to choose):</source>
        <translation>Also hide (for you to choose):</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/redaction_preview.py"/>
        <source>Also hide</source>
        <translation>Also hide</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/redaction_preview.py"/>
        <source>Each item you tick is taken out of the report. Space ticks or unticks.</source>
        <translation>Each item you tick is taken out of the report. Space ticks or unticks.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/redaction_preview.py"/>
        <source>Report files</source>
        <translation>Report files</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/redaction_preview.py"/>
        <source>The files exactly as they will be saved.</source>
        <translation>The files exactly as they will be saved.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/redaction_preview.py"/>
        <source>The content of {name}, exactly as it will be saved.</source>
        <translation>The content of {name}, exactly as it will be saved.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/redaction_preview.py"/>
        <source>Closes this view. Nothing is saved here.</source>
        <translation>Closes this view. Nothing is saved here.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/redaction_preview.py"/>
        <source>There is no result yet, so there is no report to show.</source>
        <translation>There is no result yet, so there is no report to show.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/redaction_preview.py"/>
        <source>This is exactly what will be saved for case {case_id}. Nothing has been saved yet.</source>
        <translation>This is exactly what will be saved for case {case_id}. Nothing has been saved yet.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/redaction_preview.py"/>
        <source>{label} (1 place)</source>
        <translation>{label} (1 place)</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/redaction_preview.py"/>
        <source>{label} ({count} places)</source>
        <translation>{label} ({count} places)</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/text.py"/>
        <source>Warning</source>
        <translation>Warning</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/text.py"/>
        <source>Not checked</source>
        <translation>Not checked</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/text.py"/>
        <source>Could not check</source>
        <translation>Could not check</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Start</source>
        <translation>Start</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <location filename="../../wizard/ui/widgets.py"/>
        <source>Checking</source>
        <translation>Checking</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Fix</source>
        <translation>Fix</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Share</source>
        <translation>Share</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Click the button that says “{button}” at the bottom of the window.</source>
        <translation>Click the button that says “{button}” at the bottom of the window.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Click the button that says “{button}”.</source>
        <translation>Click the button that says “{button}”.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Look for the window called “{title}”.</source>
        <translation>Look for the window called “{title}”.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>If you saw an error message, copy it and paste it into the big box. This is optional.</source>
        <translation>If you saw an error message, copy it and paste it into the big box. This is optional.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Wait a few seconds while the checks run. Nothing on your computer is changed.</source>
        <translation>Wait a few seconds while the checks run. Nothing on your computer is changed.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Each line turns to “{ok}”, “{warning}” or “{problem}”.</source>
        <translation>Each line turns to “{ok}”, “{warning}” or “{problem}”.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Read me the lines that say “{problem}”.</source>
        <translation>Read me the lines that say “{problem}”.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>If nothing moves for a minute, click “{stop}”.</source>
        <translation>If nothing moves for a minute, click “{stop}”.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>To run the checks again, click “{again}”.</source>
        <translation>To run the checks again, click “{again}”.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>When every check is done, the result opens by itself.</source>
        <translation>When every check is done, the result opens by itself.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Read me the large line at the top. It says: “{headline}”.</source>
        <translation>Read me the large line at the top. It says: “{headline}”.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>In the picture, step {n} “{step}” is marked “{marker}”.</source>
        <translation>In the picture, step {n} “{step}” is marked “{marker}”.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>If I ask for the details, click “{details}” below it.</source>
        <translation>If I ask for the details, click “{details}” below it.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Wait a moment while the steps are prepared.</source>
        <translation>Wait a moment while the steps are prepared.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Then click “{button}”.</source>
        <translation>Then click “{button}”.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Look at the box “{title}”. “{details}” in it shows exactly what will change.</source>
        <translation>Look at the box “{title}”. “{details}” in it shows exactly what will change.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Click “{apply}” in that box, then wait until it says it checked again.</source>
        <translation>Click “{apply}” in that box, then wait until it says it checked again.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>In the box “{title}”, click “{pick}” and choose the file IT sent you.</source>
        <translation>In the box “{title}”, click “{pick}” and choose the file IT sent you.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Follow the numbered steps in the box “{title}”.</source>
        <translation>Follow the numbered steps in the box “{title}”.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>To copy a command, click “{details}” in that box, then “{copy}” next to it.</source>
        <translation>To copy a command, click “{details}” in that box, then “{copy}” next to it.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>To put everything back as it was, click “{undo}”.</source>
        <translation>To put everything back as it was, click “{undo}”.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>When you are done, click “{next}” at the bottom of the window.</source>
        <translation>When you are done, click “{next}” at the bottom of the window.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Read me the case number: {case_id}.</source>
        <translation>Read me the case number: {case_id}.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Click “{save}” to save the report, or click “{copy}” and paste the summary into our chat or e-mail.</source>
        <translation>Click “{save}” to save the report, or click “{copy}” and paste the summary into our chat or e-mail.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>When you are done, click “{close}”.</source>
        <translation>When you are done, click “{close}”.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Help-desk walkthrough</source>
        <translation>Help-desk walkthrough</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Case and step</source>
        <translation>Case and step</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>What to read aloud</source>
        <translation>What to read aloud</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Copy the case summary</source>
        <translation>Copy the case summary</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Copies the case number and the result, to paste into the ticket.</source>
        <translation>Copies the case number and the result, to paste into the ticket.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Preview the report…</source>
        <translation>Preview the report…</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Shows the report files exactly as they would be saved, with items you can hide.</source>
        <translation>Shows the report files exactly as they would be saved, with items you can hide.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Case {case_id} · Step {n} of {total}: {page}</source>
        <translation>Case {case_id} · Step {n} of {total}: {page}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Read aloud:</source>
        <translation>Read aloud:</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Sign-in Doctor - case {case_id} - step {n} of {total}: {page}</source>
        <translation>Sign-in Doctor - case {case_id} - step {n} of {total}: {page}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>For when someone from your help desk guides you by phone.</source>
        <translation>For when someone from your help desk guides you by phone.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Shows the case number, the step you are on and words to read aloud on every page.</source>
        <translation>Shows the case number, the step you are on and words to read aloud on every page.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Walkthrough</source>
        <translation>Walkthrough</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <location filename="../../wizard/ui/window.py"/>
        <source>Watch a sign-in…</source>
        <translation>Watch a sign-in…</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Watch…</source>
        <translation>Watch…</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/watch_dialog.py"/>
        <location filename="../../wizard/ui/window.py"/>
        <source>Watch a sign-in</source>
        <translation>Watch a sign-in</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/watch_dialog.py"/>
        <source>Press Start watching, then sign in to Codex as usual (in the editor or with &apos;codex login&apos;). Sign-in Doctor watches which program receives the browser&apos;s return on port {ports}. It only watches; it sends nothing.</source>
        <translation>Press Start watching, then sign in to Codex as usual (in the editor or with &apos;codex login&apos;). Sign-in Doctor watches which program receives the browser&apos;s return on port {ports}. It only watches; it sends nothing.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/watch_dialog.py"/>
        <source>What happened</source>
        <translation>What happened</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/watch_dialog.py"/>
        <source>What Sign-in Doctor saw</source>
        <translation>What Sign-in Doctor saw</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/watch_dialog.py"/>
        <source>Start watching</source>
        <translation>Start watching</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/watch_dialog.py"/>
        <source>What Sign-in Doctor saw:</source>
        <translation>What Sign-in Doctor saw:</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/watch_dialog.py"/>
        <source>Watching… sign in now.</source>
        <translation>Watching… sign in now.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/watch_dialog.py"/>
        <source>Stopped watching.</source>
        <translation>Stopped watching.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/watch_dialog.py"/>
        <source>Watching stopped unexpectedly. Try again.</source>
        <translation>Watching stopped unexpectedly. Try again.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/widgets.py"/>
        <source>Copy</source>
        <translation>Copy</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/widgets.py"/>
        <source>Copy: {name}</source>
        <translation>Copy: {name}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/widgets.py"/>
        <source>Copies this exactly, so you can paste it: {value}</source>
        <translation>Copies this exactly, so you can paste it: {value}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/widgets.py"/>
        <source>The exact text to copy.</source>
        <translation>The exact text to copy.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/widgets.py"/>
        <source>Shows or hides more details.</source>
        <translation>Shows or hides more details.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/widgets.py"/>
        <source>Waiting</source>
        <translation>Waiting</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/widgets.py"/>
        <source>Not checked yet.</source>
        <translation>Not checked yet.</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/widgets.py"/>
        <source>Being checked now.</source>
        <translation>Being checked now.</translation>
    </message>
    <message>
        <source>Optional. Paste the error text here; its meaning is shown below the box.</source>
        <translation type="vanished">Optional. Paste the error text here; its meaning is shown below the box.</translation>
    </message>
    <message>
        <source>Choose the certificate file…</source>
        <translation type="vanished">Choose the certificate file…</translation>
    </message>
    <message>
        <source>Look at the box “{title}”. It shows exactly what will change.</source>
        <translation type="vanished">Look at the box “{title}”. It shows exactly what will change.</translation>
    </message>
    <message>
        <source>Click “{copy}” next to a command to copy it exactly.</source>
        <translation type="vanished">Click “{copy}” next to a command to copy it exactly.</translation>
    </message>
    <message>
        <source>Sign-in page in your browser</source>
        <translation type="vanished">Sign-in page in your browser</translation>
    </message>
    <message>
        <source>Browser returns to this computer</source>
        <translation type="vanished">Browser returns to this computer</translation>
    </message>
    <message>
        <source>Codex receives the return</source>
        <translation type="vanished">Codex receives the return</translation>
    </message>
    <message>
        <source>Codex completes sign-in with OpenAI</source>
        <translation type="vanished">Codex completes sign-in with OpenAI</translation>
    </message>
    <message>
        <source>Sign-in is saved</source>
        <translation type="vanished">Sign-in is saved</translation>
    </message>
    <message>
        <source>Problem here</source>
        <translation type="vanished">Problem here</translation>
    </message>
    <message>
        <source>Not tested</source>
        <translation type="vanished">Not tested</translation>
    </message>
    <message>
        <source>There is a report once the checks are done.</source>
        <translation type="vanished">There is a report once the checks are done.</translation>
    </message>
    <message>
        <source>What the report will contain…</source>
        <translation type="vanished">What the report will contain…</translation>
    </message>
</context>
<context>
    <name>addresses</name>
    <message>
        <location filename="../../wizard/checks/addresses.py"/>
        <source>secure connection completed</source>
        <translation>secure connection completed</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/addresses.py"/>
        <source>answered with a certificate</source>
        <translation>answered with a certificate</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/addresses.py"/>
        <source>connected, but the secure connection got no answer in {seconds:.1f} s</source>
        <translation>connected, but the secure connection got no answer in {seconds:.1f} s</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/addresses.py"/>
        <source>the secure connection failed ({error})</source>
        <translation>the secure connection failed ({error})</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/addresses.py"/>
        <source>Not tested: the name could not be looked up.</source>
        <translation>Not tested: the name could not be looked up.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/addresses.py"/>
        <source>Not tested: Codex goes through a proxy, which picks the address.</source>
        <translation>Not tested: Codex goes through a proxy, which picks the address.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/addresses.py"/>
        <source>The one address of {host} answers.</source>
        <translation>The one address of {host} answers.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/addresses.py"/>
        <source>All {count} addresses of {host} answer.</source>
        <translation>All {count} addresses of {host} answer.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/addresses.py"/>
        <source>No address of {host} answers.</source>
        <translation>No address of {host} answers.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/addresses.py"/>
        <source>{host} has {count} addresses; these do not answer: {dead}.</source>
        <translation>{host} has {count} addresses; these do not answer: {dead}.</translation>
    </message>
</context>
<context>
    <name>apply</name>
    <message>
        <location filename="../../wizard/fixes/apply.py"/>
        <source>Nothing to change: this fix is guidance only.</source>
        <translation>Nothing to change: this fix is guidance only.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/apply.py"/>
        <source>Backed up the originals ({folder}).</source>
        <translation>Backed up the originals ({folder}).</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/apply.py"/>
        <source>Changed {file}.</source>
        <translation>Changed {file}.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/apply.py"/>
        <source>Nothing was changed: {error}</source>
        <translation>Nothing was changed: {error}</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/apply.py"/>
        <source>Checking again ...</source>
        <translation>Checking again ...</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/apply.py"/>
        <source>{title} ({summary})</source>
        <translation>{title} ({summary})</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/apply.py"/>
        <source>Applied, but the re-check still fails: {names}. Undo with `undo --last`.</source>
        <translation>Applied, but the re-check still fails: {names}. Undo with `undo --last`.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/apply.py"/>
        <source>Re-check: {title}.</source>
        <translation>Re-check: {title}.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/apply.py"/>
        <source>There is nothing to undo.</source>
        <translation>There is nothing to undo.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/apply.py"/>
        <source>Undid &apos;{title}&apos;: restored {files} file(s) and {variables} variable(s).</source>
        <translation>Undid &apos;{title}&apos;: restored {files} file(s) and {variables} variable(s).</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/apply.py"/>
        <source>{file} changed since the preview; nothing was written. Run the fix again to see a fresh preview.</source>
        <translation>{file} changed since the preview; nothing was written. Run the fix again to see a fresh preview.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/apply.py"/>
        <source>Done: {title}.</source>
        <translation>Done: {title}.</translation>
    </message>
</context>
<context>
    <name>atomic</name>
    <message>
        <location filename="../../wizard/platform/atomic.py"/>
        <source>{file} is read-only; nothing was changed</source>
        <translation>{file} is read-only; nothing was changed</translation>
    </message>
    <message>
        <location filename="../../wizard/platform/atomic.py"/>
        <source>no permission to write in {folder}; nothing was changed</source>
        <translation>no permission to write in {folder}; nothing was changed</translation>
    </message>
</context>
<context>
    <name>auth_env_repair</name>
    <message>
        <location filename="../../wizard/fixes/auth_env_repair.py"/>
        <source>Remove a variable that replaces your sign-in</source>
        <translation>Remove a variable that replaces your sign-in</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/auth_env_repair.py"/>
        <source>Removes a variable that makes Codex ignore your saved sign-in.</source>
        <translation>Removes a variable that makes Codex ignore your saved sign-in.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/auth_env_repair.py"/>
        <source>No variable makes Codex use another sign-in than the saved one: nothing to remove.</source>
        <translation>No variable makes Codex use another sign-in than the saved one: nothing to remove.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/auth_env_repair.py"/>
        <source>{names} is not set in any place Sign-in Doctor can change.</source>
        <translation>{names} is not set in any place Sign-in Doctor can change.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/auth_env_repair.py"/>
        <source>Codex uses {names} instead of the sign-in you saved. This turns off {places}; the values are not shown.</source>
        <translation>Codex uses {names} instead of the sign-in you saved. This turns off {places}; the values are not shown.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/auth_env_repair.py"/>
        <source>Codex then uses the sign-in you saved in the browser.</source>
        <translation>Codex then uses the sign-in you saved in the browser.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/auth_env_repair.py"/>
        <source>{name} made Codex use another sign-in than the one you saved</source>
        <translation>{name} made Codex use another sign-in than the one you saved</translation>
    </message>
</context>
<context>
    <name>auth_managers</name>
    <message>
        <location filename="../../wizard/checks/auth_managers.py"/>
        <source>{tool} (pid {pid})</source>
        <translation>{tool} (pid {pid})</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_managers.py"/>
        <source>Running now: {tools}.</source>
        <translation>Running now: {tools}.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_managers.py"/>
        <source>{tool} holds port {port}, where Codex waits for the browser&apos;s return.</source>
        <translation>{tool} holds port {port}, where Codex waits for the browser&apos;s return.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_managers.py"/>
        <source>Codex&apos;s settings: {markers}.</source>
        <translation>Codex&apos;s settings: {markers}.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_managers.py"/>
        <source>The saved sign-in was changed {age} while no Codex program was running; if you did not just sign in, another program wrote it.</source>
        <translation>The saved sign-in was changed {age} while no Codex program was running; if you did not just sign in, another program wrote it.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_managers.py"/>
        <source>No account switcher or local sign-in proxy was found: none is running, and Codex&apos;s settings and saved sign-in look as Codex writes them.</source>
        <translation>No account switcher or local sign-in proxy was found: none is running, and Codex&apos;s settings and saved sign-in look as Codex writes them.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_managers.py"/>
        <source>The saved sign-in holds only an API key, written by another program (Codex&apos;s own API-key sign-in looks different), so Codex uses that key instead of your ChatGPT account.</source>
        <translation>The saved sign-in holds only an API key, written by another program (Codex&apos;s own API-key sign-in looks different), so Codex uses that key instead of your ChatGPT account.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_managers.py"/>
        <source>The saved sign-in holds no sign-in tokens, yet Codex reports that you are signed in with ChatGPT; its requests fail until you sign in again.</source>
        <translation>The saved sign-in holds no sign-in tokens, yet Codex reports that you are signed in with ChatGPT; its requests fail until you sign in again.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_managers.py"/>
        <source>its requests go to a program on this computer ({address})</source>
        <translation>its requests go to a program on this computer ({address})</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_managers.py"/>
        <source>the provider &quot;{provider}&quot; does not use your ChatGPT sign-in (requires_openai_auth is not set)</source>
        <translation>the provider &quot;{provider}&quot; does not use your ChatGPT sign-in (requires_openai_auth is not set)</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_managers.py"/>
        <source>openai_base_url sends OpenAI&apos;s requests to a program on this computer ({address})</source>
        <translation>openai_base_url sends OpenAI&apos;s requests to a program on this computer ({address})</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_managers.py"/>
        <source>a fixed access key is set (experimental_bearer_token)</source>
        <translation>a fixed access key is set (experimental_bearer_token)</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_managers.py"/>
        <source>{tool} keeps {file} in the Codex folder</source>
        <translation>{tool} keeps {file} in the Codex folder</translation>
    </message>
    <message>
        <source>{file} lies beside config.toml</source>
        <translation type="vanished">{file} lies beside config.toml</translation>
    </message>
    <message>
        <source>The saved sign-in holds only an API key and no ChatGPT sign-in, so Codex uses that key instead of your ChatGPT account.</source>
        <translation type="vanished">The saved sign-in holds only an API key and no ChatGPT sign-in, so Codex uses that key instead of your ChatGPT account.</translation>
    </message>
</context>
<context>
    <name>auth_mode</name>
    <message>
        <location filename="../../wizard/checks/auth_mode.py"/>
        <source>saved for programs you start ({places})</source>
        <translation>saved for programs you start ({places})</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_mode.py"/>
        <source>this session</source>
        <translation>this session</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_mode.py"/>
        <source>{name} ({where})</source>
        <translation>{name} ({where})</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_mode.py"/>
        <source>{variable} is set without {other}: Codex then tries to sign in as a workload identity instead of with your saved sign-in, and fails (“workload identity requires {other}”)</source>
        <translation>{variable} is set without {other}: Codex then tries to sign in as a workload identity instead of with your saved sign-in, and fails (“workload identity requires {other}”)</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_mode.py"/>
        <source>{variables} are set: Codex signs in as that workload identity (a server account), not with the sign-in you saved in the browser</source>
        <translation>{variables} are set: Codex signs in as that workload identity (a server account), not with the sign-in you saved in the browser</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_mode.py"/>
        <source>{variable} is set: Codex uses it instead of your saved sign-in, and while it is there `codex login status` fails (“failed to decode agent identity JWT”)</source>
        <translation>{variable} is set: Codex uses it instead of your saved sign-in, and while it is there `codex login status` fails (“failed to decode agent identity JWT”)</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_mode.py"/>
        <source>{variable} is set: signing in still works, but Codex sends its requests there, and with a ChatGPT sign-in a base URL such as the API&apos;s answers 401 Unauthorized (openai/codex#12764); take it out unless a program of yours needs it</source>
        <translation>{variable} is set: signing in still works, but Codex sends its requests there, and with a ChatGPT sign-in a base URL such as the API&apos;s answers 401 Unauthorized (openai/codex#12764); take it out unless a program of yours needs it</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_mode.py"/>
        <source>{variables} is set; it does not change which sign-in Codex uses.</source>
        <translation>{variables} is set; it does not change which sign-in Codex uses.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_mode.py"/>
        <source>No variable makes Codex use another sign-in than the one you save.</source>
        <translation>No variable makes Codex use another sign-in than the one you save.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_mode.py"/>
        <source>{finding}.</source>
        <translation>{finding}.</translation>
    </message>
    <message>
        <source>{variable} is set: signing in still works, but Codex sends its requests there, and with a ChatGPT sign-in a base URL such as the API&apos;s answers 401 Unauthorized (openai/codex#12764)</source>
        <translation type="vanished">{variable} is set: signing in still works, but Codex sends its requests there, and with a ChatGPT sign-in a base URL such as the API&apos;s answers 401 Unauthorized (openai/codex#12764)</translation>
    </message>
</context>
<context>
    <name>ca_bundle</name>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <location filename="../../wizard/fixes/ca_bundle.py"/>
        <source>Give Codex your organisation&apos;s certificate</source>
        <translation>Give Codex your organisation&apos;s certificate</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/base.py"/>
        <source>and run this fix again with --extra-ca FILE.</source>
        <translation>and run this fix again with --extra-ca FILE.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle.py"/>
        <source>Builds a certificate bundle with your organisation&apos;s root and points Codex at it.</source>
        <translation>Builds a certificate bundle with your organisation&apos;s root and points Codex at it.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>The certificate that signed the connection is neither in this computer&apos;s store nor sent by the network. Ask your IT department for your organisation&apos;s root certificate file {how}</source>
        <translation>The certificate that signed the connection is neither in this computer&apos;s store nor sent by the network. Ask your IT department for your organisation&apos;s root certificate file {how}</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>Even with {roots} the connection to {host} would not be trusted ({error}); nothing was changed. Ask your IT department for the right root certificate.</source>
        <translation>Even with {roots} the connection to {host} would not be trusted ({error}); nothing was changed. Ask your IT department for the right root certificate.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>replaced by the certificate bundle {file}</source>
        <translation>replaced by the certificate bundle {file}</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>The file {file} cannot be read ({error}).</source>
        <translation>The file {file} cannot be read ({error}).</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>The file {file} holds no certificate (neither PEM nor DER).</source>
        <translation>The file {file} holds no certificate (neither PEM nor DER).</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>The file {file} holds no certificate authority, only a server&apos;s own certificate ({subject}); ask your IT department for the root certificate instead.</source>
        <translation>The file {file} holds no certificate authority, only a server&apos;s own certificate ({subject}); ask your IT department for the root certificate instead.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>  (replaced: a PEM bundle of {count} certificates)</source>
        <translation>  (replaced: a PEM bundle of {count} certificates)</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>  (new file: a PEM bundle of {count} certificates)</source>
        <translation>  (new file: a PEM bundle of {count} certificates)</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>  + this computer&apos;s trusted roots ({count}) and the public roots (certifi)</source>
        <translation>  + this computer&apos;s trusted roots ({count}) and the public roots (certifi)</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>No certificate chain from {host} was captured ({detail}), and no --extra-ca file was given, so there is no certificate to add.</source>
        <translation>No certificate chain from {host} was captured ({detail}), and no --extra-ca file was given, so there is no certificate to add.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>No certificate chain from {host} was captured, and no --extra-ca file was given, so there is no certificate to add.</source>
        <translation>No certificate chain from {host} was captured, and no --extra-ca file was given, so there is no certificate to add.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>Codex already trusts the connection to {host}; there is nothing to add.</source>
        <translation>Codex already trusts the connection to {host}; there is nothing to add.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>The certificate is only rejected because of this computer&apos;s date: set the clock (clock-sync) instead.</source>
        <translation>The certificate is only rejected because of this computer&apos;s date: set the clock (clock-sync) instead.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>The secure connection to {host} fails for another reason: {detail}</source>
        <translation>The secure connection to {host} fails for another reason: {detail}</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>found in this computer&apos;s certificate store (your IT department installed it; Codex&apos;s own list lacks it)</source>
        <translation>found in this computer&apos;s certificate store (your IT department installed it; Codex&apos;s own list lacks it)</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>from the file you gave ({file})</source>
        <translation>from the file you gave ({file})</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>TAKEN FROM THE NETWORK CONNECTION ITSELF, not from this computer or your IT department</source>
        <translation>TAKEN FROM THE NETWORK CONNECTION ITSELF, not from this computer or your IT department</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>Codex does not trust the certificate {host} presents.</source>
        <translation>Codex does not trust the certificate {host} presents.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>This writes a certificate bundle ({count} certificates: your organisation&apos;s root, this computer&apos;s trusted roots and the public roots) to {file} and sets {names} to it for your user account.</source>
        <translation>This writes a certificate bundle ({count} certificates: your organisation&apos;s root, this computer&apos;s trusted roots and the public roots) to {file} and sets {names} to it for your user account.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>Your organisation&apos;s root, {where}: {roots}.</source>
        <translation>Your organisation&apos;s root, {where}: {roots}.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>{name} in {places}</source>
        <translation>{name} in {places}</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>Older settings are turned off: {settings}.</source>
        <translation>Older settings are turned off: {settings}.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>CAUTION: the root below comes from the network, so anyone in the middle could have sent it. Apply only if your IT department confirms its fingerprint.</source>
        <translation>CAUTION: the root below comes from the network, so anyone in the middle could have sent it. Apply only if your IT department confirms its fingerprint.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>Compare with your IT department: {subject}, SHA-256 {fingerprint}</source>
        <translation>Compare with your IT department: {subject}, SHA-256 {fingerprint}</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>Apply makes a certificate file for Codex with it and sets it for your user account; you can undo it.</source>
        <translation>Apply makes a certificate file for Codex with it and sets it for your user account; you can undo it.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>Careful: the certificate of {issuer} was taken from the network connection itself, not from this computer or your IT department. Apply only after IT has confirmed its fingerprint (under Details).</source>
        <translation>Careful: the certificate of {issuer} was taken from the network connection itself, not from this computer or your IT department. Apply only after IT has confirmed its fingerprint (under Details).</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>Codex will trust {issuer}, found in this computer&apos;s certificate store (your IT department installed it).</source>
        <translation>Codex will trust {issuer}, found in this computer&apos;s certificate store (your IT department installed it).</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>Codex will trust {issuer}, from the file you chose.</source>
        <translation>Codex will trust {issuer}, from the file you chose.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>no certificate in the bundle vouches for it</source>
        <translation>no certificate in the bundle vouches for it</translation>
    </message>
</context>
<context>
    <name>ca_env</name>
    <message>
        <location filename="../../wizard/checks/ca_env.py"/>
        <source>{name} (in {dotenv})</source>
        <translation>{name} (in {dotenv})</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ca_env.py"/>
        <source>{variable} points at {path}, but {problem}.</source>
        <translation>{variable} points at {path}, but {problem}.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ca_env.py"/>
        <source>Codex ignores it, other tools may not</source>
        <translation>Codex ignores it, other tools may not</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ca_env.py"/>
        <source>Codex uses {ca_file}, but this setting keeps it from using this computer&apos;s store</source>
        <translation>Codex uses {ca_file}, but this setting keeps it from using this computer&apos;s store</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ca_env.py"/>
        <source>Codex ignores it and uses this computer&apos;s store</source>
        <translation>Codex ignores it and uses this computer&apos;s store</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ca_env.py"/>
        <source>{variable} points at {path}, but {problem} ({why}).</source>
        <translation>{variable} points at {path}, but {problem} ({why}).</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ca_env.py"/>
        <source>{names} points at the certificate file Sign-in Doctor made for Codex: this computer&apos;s roots, the public roots and your organisation&apos;s.</source>
        <translation>{names} points at the certificate file Sign-in Doctor made for Codex: this computer&apos;s roots, the public roots and your organisation&apos;s.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ca_env.py"/>
        <source>{names} replaces your computer&apos;s certificate store for Codex.</source>
        <translation>{names} replaces your computer&apos;s certificate store for Codex.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ca_env.py"/>
        <source>{names} replace your computer&apos;s certificate store for Codex.</source>
        <translation>{names} replace your computer&apos;s certificate store for Codex.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ca_env.py"/>
        <source>Your certificate settings point at valid files ({names}).</source>
        <translation>Your certificate settings point at valid files ({names}).</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ca_env.py"/>
        <source>No certificate settings; Codex uses this computer&apos;s certificate store.</source>
        <translation>No certificate settings; Codex uses this computer&apos;s certificate store.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ca_env.py"/>
        <source>it holds no certificate files</source>
        <translation>it holds no certificate files</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ca_env.py"/>
        <source>it holds no certificate files named the way OpenSSL expects (like 1a2b3c4d.0)</source>
        <translation>it holds no certificate files named the way OpenSSL expects (like 1a2b3c4d.0)</translation>
    </message>
    <message>
        <source>({count} more broken)</source>
        <translation type="vanished">({count} more broken)</translation>
    </message>
</context>
<context>
    <name>ca_env_repair</name>
    <message>
        <location filename="../../wizard/fixes/ca_env_repair.py"/>
        <source>Repair a broken certificate setting</source>
        <translation>Repair a broken certificate setting</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_env_repair.py"/>
        <source>Removes or corrects a certificate setting that points at nothing.</source>
        <translation>Removes or corrects a certificate setting that points at nothing.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_env_repair.py"/>
        <source>Your certificate settings point at usable files; there is nothing to repair.</source>
        <translation>Your certificate settings point at usable files; there is nothing to repair.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_env_repair.py"/>
        <source>The file you gave ({file}) cannot be used: {problem}. Codex needs a PEM file (text starting with -----BEGIN CERTIFICATE-----); the `ca-bundle` fix can convert other formats.</source>
        <translation>The file you gave ({file}) cannot be used: {problem}. Codex needs a PEM file (text starting with -----BEGIN CERTIFICATE-----); the `ca-bundle` fix can convert other formats.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_env_repair.py"/>
        <source>points it at {file} instead</source>
        <translation>points it at {file} instead</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_env_repair.py"/>
        <source>points it at {file} instead (that file holds {count} certificate(s) and {name} replaces the whole list of trusted certificates; if it is only your organisation&apos;s root, the `ca-bundle` fix is the better choice)</source>
        <translation>points it at {file} instead (that file holds {count} certificate(s) and {name} replaces the whole list of trusted certificates; if it is only your organisation&apos;s root, the `ca-bundle` fix is the better choice)</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_env_repair.py"/>
        <source>turns it off</source>
        <translation>turns it off</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_env_repair.py"/>
        <source>This {action} in {places}.</source>
        <translation>This {action} in {places}.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_env_repair.py"/>
        <source>This {action}.</source>
        <translation>This {action}.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_env_repair.py"/>
        <source>Nothing to change in a place Sign-in Doctor knows.</source>
        <translation>Nothing to change in a place Sign-in Doctor knows.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_env_repair.py"/>
        <source>Codex then uses the file you gave.</source>
        <translation>Codex then uses the file you gave.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_env_repair.py"/>
        <source>Codex then uses this computer&apos;s own certificate store.</source>
        <translation>Codex then uses this computer&apos;s own certificate store.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_env_repair.py"/>
        <source>{name} (in Codex&apos;s .env file) points at {path}, but {problem}.</source>
        <translation>{name} (in Codex&apos;s .env file) points at {path}, but {problem}.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_env_repair.py"/>
        <source>{name} points at {path}, but {problem}.</source>
        <translation>{name} points at {path}, but {problem}.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_env_repair.py"/>
        <source>{name} pointed at a file that cannot be used ({problem})</source>
        <translation>{name} pointed at a file that cannot be used ({problem})</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_env_repair.py"/>
        <source>{name} ({path}) replaces this computer&apos;s certificate store for Codex and does not trust {host}; the computer&apos;s store does.</source>
        <translation>{name} ({path}) replaces this computer&apos;s certificate store for Codex and does not trust {host}; the computer&apos;s store does.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_env_repair.py"/>
        <source>{name} replaced this computer&apos;s certificate store with a file that does not trust {host}</source>
        <translation>{name} replaced this computer&apos;s certificate store with a file that does not trust {host}</translation>
    </message>
</context>
<context>
    <name>case_file</name>
    <message>
        <location filename="../../wizard/report/case_file.py"/>
        <source>it is a file, not a folder</source>
        <translation>it is a file, not a folder</translation>
    </message>
    <message>
        <location filename="../../wizard/report/case_file.py"/>
        <source>part of that path is a file, not a folder</source>
        <translation>part of that path is a file, not a folder</translation>
    </message>
    <message>
        <location filename="../../wizard/report/case_file.py"/>
        <source>no permission to create that folder</source>
        <translation>no permission to create that folder</translation>
    </message>
    <message>
        <location filename="../../wizard/report/case_file.py"/>
        <source>the folder cannot be created ({error})</source>
        <translation>the folder cannot be created ({error})</translation>
    </message>
    <message>
        <location filename="../../wizard/report/case_file.py"/>
        <source>{name} there is a folder</source>
        <translation>{name} there is a folder</translation>
    </message>
    <message>
        <location filename="../../wizard/report/case_file.py"/>
        <source>no permission to write in that folder</source>
        <translation>no permission to write in that folder</translation>
    </message>
    <message>
        <location filename="../../wizard/report/case_file.py"/>
        <source>cannot write {name} ({error})</source>
        <translation>cannot write {name} ({error})</translation>
    </message>
    <message>
        <source>cannot write in that folder ({error})</source>
        <translation type="vanished">cannot write in that folder ({error})</translation>
    </message>
</context>
<context>
    <name>causes</name>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>{variable} points Codex at {path}, which replaces your computer&apos;s own list of trusted certificates, and nothing in it trusts {host}.</source>
        <translation>{variable} points Codex at {path}, which replaces your computer&apos;s own list of trusted certificates, and nothing in it trusts {host}.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex is told to use the proxy {proxy} ({proxy_source}), but it cannot be used: {detail}.</source>
        <translation>Codex is told to use the proxy {proxy} ({proxy_source}), but it cannot be used: {detail}.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The connection to {host} is re-signed by {issuer}, whose certificate is too weak for Codex ({problem}). Installing it will not help: IT must re-issue it with SHA-256 and at least 2048-bit RSA.</source>
        <translation>The connection to {host} is re-signed by {issuer}, whose certificate is too weak for Codex ({problem}). Installing it will not help: IT must re-issue it with SHA-256 and at least 2048-bit RSA.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>OpenAI&apos;s status page reports a problem right now ({indicator}: {description}). Sign-in may fail until it is fixed.</source>
        <translation>OpenAI&apos;s status page reports a problem right now ({indicator}: {description}). Sign-in may fail until it is fixed.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>{editors} runs Codex inside WSL (Linux on Windows). The sign-in&apos;s return address then reaches the wrong side, and the sign-in fails even though your network is fine.</source>
        <translation>{editors} runs Codex inside WSL (Linux on Windows). The sign-in&apos;s return address then reaches the wrong side, and the sign-in fails even though your network is fine.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The Codex app is set to run inside WSL (Linux on Windows). The sign-in then stays on the loading page after you agree, even though your network is fine.</source>
        <translation>The Codex app is set to run inside WSL (Linux on Windows). The sign-in then stays on the loading page after you agree, even though your network is fine.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Close the Codex app, set it back to run on Windows itself, and sign in again.</source>
        <translation>Close the Codex app, set it back to run on Windows itself, and sign in again.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Your editor&apos;s Codex log shows it starts Codex inside WSL (Linux on Windows), so the sign-in&apos;s return address reaches the wrong side.</source>
        <translation>Your editor&apos;s Codex log shows it starts Codex inside WSL (Linux on Windows), so the sign-in&apos;s return address reaches the wrong side.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Windows has reserved the ports Codex needs for sign-in ({ports}) for its own networking (Hyper-V, WSL or Docker), so Codex cannot listen for the browser&apos;s return.</source>
        <translation>Windows has reserved the ports Codex needs for sign-in ({ports}) for its own networking (Hyper-V, WSL or Docker), so Codex cannot listen for the browser&apos;s return.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex is set to save the sign-in only in the system keyring ({backend}), but there is none to use here. The browser sign-in can succeed and still end with &quot;failed to write OAuth tokens to keyring&quot;.</source>
        <translation>Codex is set to save the sign-in only in the system keyring ({backend}), but there is none to use here. The browser sign-in can succeed and still end with &quot;failed to write OAuth tokens to keyring&quot;.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The system keyring ({backend}) that Codex saves the sign-in in is locked or does not answer, so Codex can hang or fail at the very end of the sign-in.</source>
        <translation>The system keyring ({backend}) that Codex saves the sign-in in is locked or does not answer, so Codex can hang or fail at the very end of the sign-in.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>OpenAI&apos;s phone verification page refused your phone number or could not send it a code, so the sign-in cannot go on. This is a check on your account, not a problem of this computer.</source>
        <translation>OpenAI&apos;s phone verification page refused your phone number or could not send it a code, so the sign-in cannot go on. This is a check on your account, not a problem of this computer.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The sign-in page answered that Codex is not enabled for your ChatGPT workspace. Only a workspace admin can change that; nothing on this computer can.</source>
        <translation>The sign-in page answered that Codex is not enabled for your ChatGPT workspace. Only a workspace admin can change that; nothing on this computer can.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Sign-in with a device code is switched off for your account or workspace. It can be turned on in ChatGPT Settings &gt; Security, or by a workspace admin.</source>
        <translation>Sign-in with a device code is switched off for your account or workspace. It can be turned on in ChatGPT Settings &gt; Security, or by a workspace admin.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex&apos;s settings were changed by an account switcher or a local proxy tool: {markers}. Such a tool can take over Codex&apos;s requests and sign-in, so the sign-in you make is not the one Codex uses.</source>
        <translation>Codex&apos;s settings were changed by an account switcher or a local proxy tool: {markers}. Such a tool can take over Codex&apos;s requests and sign-in, so the sign-in you make is not the one Codex uses.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex&apos;s saved sign-in holds only an API key and no ChatGPT sign-in, and it was not written by Codex&apos;s own API-key sign-in (that one also records the sign-in method). Account switchers write such a file when they switch accounts, so Codex uses that key instead of your ChatGPT account.</source>
        <translation>Codex&apos;s saved sign-in holds only an API key and no ChatGPT sign-in, and it was not written by Codex&apos;s own API-key sign-in (that one also records the sign-in method). Account switchers write such a file when they switch accounts, so Codex uses that key instead of your ChatGPT account.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex&apos;s saved sign-in holds no sign-in tokens, yet Codex reports that you are signed in with ChatGPT. Something other than Codex rewrote that file (account switchers do), so Codex&apos;s requests fail until you sign in again.</source>
        <translation>Codex&apos;s saved sign-in holds no sign-in tokens, yet Codex reports that you are signed in with ChatGPT. Something other than Codex rewrote that file (account switchers do), so Codex&apos;s requests fail until you sign in again.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Everything Codex needs for sign-in works from this computer, but OpenAI&apos;s sign-in page answered with an error of its own ({code}) that names no cause on this computer. {listener} That points at the account or the sign-in session.</source>
        <translation>Everything Codex needs for sign-in works from this computer, but OpenAI&apos;s sign-in page answered with an error of its own ({code}) that names no cause on this computer. {listener} That points at the account or the sign-in session.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Windows could not check whether the certificate of the sign-in server was revoked (CRYPT_E_NO_REVOCATION_CHECK). That happens when a security program inspects the connection and its certificates name no address for that check, or when that address cannot be reached from here.</source>
        <translation>Windows could not check whether the certificate of the sign-in server was revoked (CRYPT_E_NO_REVOCATION_CHECK). That happens when a security program inspects the connection and its certificates name no address for that check, or when that address cannot be reached from here.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Ask your IT administrator to exclude {host} from inspection, or to make the inspection certificates name a reachable revocation address.</source>
        <translation>Ask your IT administrator to exclude {host} from inspection, or to make the inspection certificates name a reachable revocation address.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>{variables} is set ({where}) without its other half, so Codex tries to sign in as a workload identity (a server account) instead of with your saved sign-in, and fails.</source>
        <translation>{variables} is set ({where}) without its other half, so Codex tries to sign in as a workload identity (a server account) instead of with your saved sign-in, and fails.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>{variables} are set ({where}), so Codex signs in as a workload identity (a server account) instead of with the sign-in you saved in the browser.</source>
        <translation>{variables} are set ({where}), so Codex signs in as a workload identity (a server account) instead of with the sign-in you saved in the browser.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex runs inside WSL ({mode} networking) and is told to use the proxy {proxy}, on WSL&apos;s own loopback address. The proxy program runs on Windows, and WSL cannot reach it there, so Codex never gets to {host}.</source>
        <translation>Codex runs inside WSL ({mode} networking) and is told to use the proxy {proxy}, on WSL&apos;s own loopback address. The proxy program runs on Windows, and WSL cannot reach it there, so Codex never gets to {host}.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Give WSL a proxy address it can reach (Fix shows how), or remove the proxy variable inside WSL if you do not need that proxy.</source>
        <translation>Give WSL a proxy address it can reach (Fix shows how), or remove the proxy variable inside WSL if you do not need that proxy.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex runs inside WSL, and the Windows connection {adapter} (a VPN, usually) carries smaller packets ({adapter_mtu} bytes) than WSL sends ({eth0_mtu}). The connection to {host} opens, but the secure handshake&apos;s large packets are lost, so it stalls.</source>
        <translation>Codex runs inside WSL, and the Windows connection {adapter} (a VPN, usually) carries smaller packets ({adapter_mtu} bytes) than WSL sends ({eth0_mtu}). The connection to {host} opens, but the secure handshake&apos;s large packets are lost, so it stalls.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Lower WSL&apos;s packet size to the VPN&apos;s (Fix shows how), or sign in while the VPN is off.</source>
        <translation>Lower WSL&apos;s packet size to the VPN&apos;s (Fix shows how), or sign in while the VPN is off.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex runs inside WSL, and the name server WSL set in /etc/resolv.conf ({nameservers}) does not find {host}. Linux inside WSL asks that server, not Windows, so Windows may find the name while WSL does not.</source>
        <translation>Codex runs inside WSL, and the name server WSL set in /etc/resolv.conf ({nameservers}) does not find {host}. Linux inside WSL asks that server, not Windows, so Windows may find the name while WSL does not.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Restart WSL from Windows and try again; if it keeps failing, change how WSL finds names (Fix shows how).</source>
        <translation>Restart WSL from Windows and try again; if it keeps failing, change how WSL finds names (Fix shows how).</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>{where} allows only {methods} sign-in on this computer, so signing in with ChatGPT stops with “ChatGPT login is disabled. Use API key login instead.”</source>
        <translation>{where} allows only {methods} sign-in on this computer, so signing in with ChatGPT stops with “ChatGPT login is disabled. Use API key login instead.”</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Your own Codex settings ({where}) allow only {methods} sign-in, so signing in with ChatGPT stops with “ChatGPT login is disabled. Use API key login instead.”</source>
        <translation>Your own Codex settings ({where}) allow only {methods} sign-in, so signing in with ChatGPT stops with “ChatGPT login is disabled. Use API key login instead.”</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Take the line forced_login_method out of {where} (or set it to &quot;chatgpt&quot;), then sign in again; or sign in with an API key as the setting asks.</source>
        <translation>Take the line forced_login_method out of {where} (or set it to &quot;chatgpt&quot;), then sign in again; or sign in with an API key as the setting asks.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The sign-in settings in {where} contradict each other and leave no way to sign in, so Codex stops with “authentication requirements do not permit any usable login method”.</source>
        <translation>The sign-in settings in {where} contradict each other and leave no way to sign in, so Codex stops with “authentication requirements do not permit any usable login method”.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The sign-in settings in {where} cannot be read ({detail}), and Codex does not start at all while they are broken.</source>
        <translation>The sign-in settings in {where} cannot be read ({detail}), and Codex does not start at all while they are broken.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Ask whoever manages {where} (your IT administrator, or you if you wrote it) to correct it.</source>
        <translation>Ask whoever manages {where} (your IT administrator, or you if you wrote it) to correct it.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex reaches the sign-in server, but it does not trust the certificate {host} presents, issued by {issuer}: something on your network re-signs the connection to {host}. Right after you sign in, Codex asks {host} which workspace to use, so the sign-in seems to finish and then fails (&quot;workspace routing discovery failed&quot;, a blank app, or a request to sign in again).</source>
        <translation>Codex reaches the sign-in server, but it does not trust the certificate {host} presents, issued by {issuer}: something on your network re-signs the connection to {host}. Right after you sign in, Codex asks {host} which workspace to use, so the sign-in seems to finish and then fails (&quot;workspace routing discovery failed&quot;, a blank app, or a request to sign in again).</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Ask IT to exclude {host} from inspection, as well as auth.openai.com, or to give you the certificate it uses. Then press Check again.</source>
        <translation>Ask IT to exclude {host} from inspection, as well as auth.openai.com, or to give you the certificate it uses. Then press Check again.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex goes to {host} through the proxy {proxy} ({proxy_source}), but that proxy cannot be used: {detail}. The sign-in server is reached another way, so the sign-in seems to finish; then Codex asks {host} which workspace to use, and that fails (&quot;workspace routing discovery failed&quot;, a blank app, or a request to sign in again).</source>
        <translation>Codex goes to {host} through the proxy {proxy} ({proxy_source}), but that proxy cannot be used: {detail}. The sign-in server is reached another way, so the sign-in seems to finish; then Codex asks {host} which workspace to use, and that fails (&quot;workspace routing discovery failed&quot;, a blank app, or a request to sign in again).</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>{host}, which Codex asks right after the sign-in which workspace to use, has {address_count} addresses, and not all of them answer. No answer from: {dead_addresses}. Answering: {live_addresses}. When Codex tries the dead address first it waits many seconds, and the workspace lookup can run out of time (&quot;workspace routing discovery timed out&quot;) although the sign-in itself worked.</source>
        <translation>{host}, which Codex asks right after the sign-in which workspace to use, has {address_count} addresses, and not all of them answer. No answer from: {dead_addresses}. Answering: {live_addresses}. When Codex tries the dead address first it waits many seconds, and the workspace lookup can run out of time (&quot;workspace routing discovery timed out&quot;) although the sign-in itself worked.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Your sign-in went through, but then Codex ran out of time asking chatgpt.com which workspace to use (&quot;workspace routing discovery timed out&quot;). That happens when chatgpt.com answers slowly from here, for example when one of its addresses does not answer (openai/codex#41044).</source>
        <translation>Your sign-in went through, but then Codex ran out of time asking chatgpt.com which workspace to use (&quot;workspace routing discovery timed out&quot;). That happens when chatgpt.com answers slowly from here, for example when one of its addresses does not answer (openai/codex#41044).</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Your sign-in went through, but OpenAI&apos;s server answered the Codex app &quot;Workspace routing is unavailable&quot; (HTTP 432) when it asked which workspace to use. This was seen after Codex app updates (openai/codex#46786, #46812); it is on OpenAI&apos;s side or in that app version, not on this computer.</source>
        <translation>Your sign-in went through, but OpenAI&apos;s server answered the Codex app &quot;Workspace routing is unavailable&quot; (HTTP 432) when it asked which workspace to use. This was seen after Codex app updates (openai/codex#46786, #46812); it is on OpenAI&apos;s side or in that app version, not on this computer.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The ChatGPT or Codex app could not load what it needs before sign-in (&quot;Unable to load sign-in requirements&quot;). It gets that from chatgpt.com; when chatgpt.com answers from here, the problem is on OpenAI&apos;s side or in that app version (openai/codex#46613).</source>
        <translation>The ChatGPT or Codex app could not load what it needs before sign-in (&quot;Unable to load sign-in requirements&quot;). It gets that from chatgpt.com; when chatgpt.com answers from here, the problem is on OpenAI&apos;s side or in that app version (openai/codex#46613).</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Your editor runs Codex inside WSL, and your own Codex there got no answer from {host}, although this computer reaches it. The Windows connection {adapter} (a VPN, usually) carries smaller packets ({adapter_mtu} bytes) than WSL sends ({eth0_mtu}), so WSL&apos;s secure connections open and then stall.</source>
        <translation>Your editor runs Codex inside WSL, and your own Codex there got no answer from {host}, although this computer reaches it. The Windows connection {adapter} (a VPN, usually) carries smaller packets ({adapter_mtu} bytes) than WSL sends ({eth0_mtu}), so WSL&apos;s secure connections open and then stall.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Nothing wrong found on this computer</source>
        <translation>Nothing wrong found on this computer</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Everything Codex needs for sign-in works from this computer: the sign-in server answers, the connection is trusted and the clock is right. {listener} If sign-in still fails, the problem is most likely on OpenAI&apos;s side or with the account.</source>
        <translation>Everything Codex needs for sign-in works from this computer: the sign-in server answers, the connection is trusted and the clock is right. {listener} If sign-in still fails, the problem is most likely on OpenAI&apos;s side or with the account.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Check status.openai.com, wait a few minutes and try again, try another browser or the other Codex app (CLI or editor), or contact OpenAI support with the error code you saw.</source>
        <translation>Check status.openai.com, wait a few minutes and try again, try another browser or the other Codex app (CLI or editor), or contact OpenAI support with the error code you saw.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>This computer is not connected to the internet</source>
        <translation>This computer is not connected to the internet</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>This computer has no network connection: no network is connected and no name can be looked up, so Codex cannot reach {host} to finish the sign-in.</source>
        <translation>This computer has no network connection: no network is connected and no name can be looked up, so Codex cannot reach {host} to finish the sign-in.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Connect to the internet (Wi-Fi or a network cable; turn off flight mode), then run the checks again.</source>
        <translation>Connect to the internet (Wi-Fi or a network cable; turn off flight mode), then run the checks again.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The sign-in server&apos;s name cannot be found</source>
        <translation>The sign-in server&apos;s name cannot be found</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>This computer cannot look up the address of {host}, so Codex cannot finish the sign-in.</source>
        <translation>This computer cannot look up the address of {host}, so Codex cannot finish the sign-in.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Check that you are connected to the internet and that your VPN is on if your company requires one; otherwise ask IT why {host} does not resolve.</source>
        <translation>Check that you are connected to the internet and that your VPN is on if your company requires one; otherwise ask IT why {host} does not resolve.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The connection to the sign-in server is blocked</source>
        <translation>The connection to the sign-in server is blocked</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex cannot get an answer from {host}: {detail}. A firewall, VPN or security program is probably blocking it.</source>
        <translation>Codex cannot get an answer from {host}: {detail}. A firewall, VPN or security program is probably blocking it.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Ask IT to allow {host} on port {port}, or try again on another network.</source>
        <translation>Ask IT to allow {host} on port {port}, or try again on another network.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex is told to use a proxy that is not there</source>
        <translation>Codex is told to use a proxy that is not there</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex is told to use the proxy {proxy} ({proxy_source}), but nothing answers there, so Codex cannot reach the sign-in server.</source>
        <translation>Codex is told to use the proxy {proxy} ({proxy_source}), but nothing answers there, so Codex cannot reach the sign-in server.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Remove or correct the stale proxy setting, then restart the editor or terminal.</source>
        <translation>Remove or correct the stale proxy setting, then restart the editor or terminal.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex cannot use a SOCKS proxy</source>
        <translation>Codex cannot use a SOCKS proxy</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex is told to use the SOCKS proxy {proxy} ({proxy_source}), but Codex cannot use SOCKS proxies: it gives up before it connects to it, so it never reaches the sign-in server.</source>
        <translation>Codex is told to use the SOCKS proxy {proxy} ({proxy_source}), but Codex cannot use SOCKS proxies: it gives up before it connects to it, so it never reaches the sign-in server.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Remove the SOCKS setting, or set HTTPS_PROXY to your proxy app&apos;s HTTP (or &apos;mixed&apos;) port instead, e.g. http://127.0.0.1:PORT; then restart the editor or terminal.</source>
        <translation>Remove the SOCKS setting, or set HTTPS_PROXY to your proxy app&apos;s HTTP (or &apos;mixed&apos;) port instead, e.g. http://127.0.0.1:PORT; then restart the editor or terminal.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The proxy wants a password Codex does not have</source>
        <translation>The proxy wants a password Codex does not have</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The proxy {proxy} ({proxy_source}) asks for a user name and password before it lets Codex through.</source>
        <translation>The proxy {proxy} ({proxy_source}) asks for a user name and password before it lets Codex through.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Ask IT for proxy credentials or for {host} to be allowed without them.</source>
        <translation>Ask IT for proxy credentials or for {host} to be allowed without them.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>A proxy or network filter blocks the sign-in server</source>
        <translation>A proxy or network filter blocks the sign-in server</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Instead of the sign-in server, something in your network answered ({detail}). A company proxy or a Wi-Fi login page is blocking {host}.</source>
        <translation>Instead of the sign-in server, something in your network answered ({detail}). A company proxy or a Wi-Fi login page is blocking {host}.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Ask IT to allow {host}, or finish the Wi-Fi login page in your browser first.</source>
        <translation>Ask IT to allow {host}, or finish the Wi-Fi login page in your browser first.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>A security program intercepts the secure connection</source>
        <translation>A security program intercepts the secure connection</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The connection to {host} is decrypted and re-signed by {issuer}. Codex does not trust that certificate, so it stops the sign-in.</source>
        <translation>The connection to {host} is decrypted and re-signed by {issuer}. Codex does not trust that certificate, so it stops the sign-in.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Let Sign-in Doctor give Codex your organisation&apos;s certificate (Fix), or ask IT to exclude {host} from inspection.</source>
        <translation>Let Sign-in Doctor give Codex your organisation&apos;s certificate (Fix), or ask IT to exclude {host} from inspection.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>A certificate setting points at a broken file</source>
        <translation>A certificate setting points at a broken file</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>{variable} is set to {path}, but {problem}. The browser step of sign-in works, but then Codex fails at the token exchange (&quot;Token exchange failed&quot;) because it cannot use that file.</source>
        <translation>{variable} is set to {path}, but {problem}. The browser step of sign-in works, but then Codex fails at the token exchange (&quot;Token exchange failed&quot;) because it cannot use that file.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Remove the broken setting or point it at a valid certificate file, then restart the editor or terminal.</source>
        <translation>Remove the broken setting or point it at a valid certificate file, then restart the editor or terminal.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>This computer&apos;s clock is wrong</source>
        <translation>This computer&apos;s clock is wrong</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>This computer&apos;s clock is {skew_human} {direction} the sign-in server&apos;s, which breaks secure connections and sign-in.</source>
        <translation>This computer&apos;s clock is {skew_human} {direction} the sign-in server&apos;s, which breaks secure connections and sign-in.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Turn on automatic date and time in your system settings, then try again.</source>
        <translation>Turn on automatic date and time in your system settings, then try again.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The sign-in server refuses your region</source>
        <translation>The sign-in server refuses your region</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The sign-in server answered &apos;country, region, or territory not supported&apos; to the connection Codex makes. The browser may be using a VPN or proxy that Codex does not use.</source>
        <translation>The sign-in server answered &apos;country, region, or territory not supported&apos; to the connection Codex makes. The browser may be using a VPN or proxy that Codex does not use.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Make Codex use the same VPN or proxy as the browser (system-wide VPN, or HTTPS_PROXY), then try again.</source>
        <translation>Make Codex use the same VPN or proxy as the browser (system-wide VPN, or HTTPS_PROXY), then try again.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>OpenAI&apos;s sign-in server has a problem</source>
        <translation>OpenAI&apos;s sign-in server has a problem</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The sign-in server answered with an error of its own ({detail}). This is not caused by your computer.</source>
        <translation>The sign-in server answered with an error of its own ({detail}). This is not caused by your computer.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Check status.openai.com and try again later.</source>
        <translation>Check status.openai.com and try again later.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex runs inside WSL, so the browser&apos;s return goes astray</source>
        <translation>Codex runs inside WSL, so the browser&apos;s return goes astray</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The sign-in port {port} on this computer is held by {process}, the WSL relay. Your editor runs Codex inside WSL (Linux on Windows), and the sign-in fails even though your network is fine.</source>
        <translation>The sign-in port {port} on this computer is held by {process}, the WSL relay. Your editor runs Codex inside WSL (Linux on Windows), and the sign-in fails even though your network is fine.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Turn off &apos;Run Codex in Windows Subsystem for Linux&apos; in your editor&apos;s settings, reload the editor and sign in again.</source>
        <translation>Turn off &apos;Run Codex in Windows Subsystem for Linux&apos; in your editor&apos;s settings, reload the editor and sign in again.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Another program holds the sign-in port</source>
        <translation>Another program holds the sign-in port</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex needs port {ports} on this computer to receive the browser&apos;s return, but {holders}.</source>
        <translation>Codex needs port {ports} on this computer to receive the browser&apos;s return, but {holders}.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Close the program that holds the port (often another editor or AI tool) and sign in again, or sign in with a device code instead.</source>
        <translation>Close the program that holds the port (often another editor or AI tool) and sign in again, or sign in with a device code instead.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex runs on another machine, so the browser&apos;s return cannot reach it</source>
        <translation>Codex runs on another machine, so the browser&apos;s return cannot reach it</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>This runs in {where}, but your browser runs on your own computer. When you finish signing in, the browser returns to port {port} on your own computer, where this Codex does not listen, so the sign-in never completes.</source>
        <translation>This runs in {where}, but your browser runs on your own computer. When you finish signing in, the browser returns to port {port} on your own computer, where this Codex does not listen, so the sign-in never completes.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Sign in with a device code instead (it needs no return to this machine), or forward port {port} from your computer to this machine before signing in.</source>
        <translation>Sign in with a device code instead (it needs no return to this machine), or forward port {port} from your computer to this machine before signing in.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex cannot save the sign-in on this computer</source>
        <translation>Codex cannot save the sign-in on this computer</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex cannot save the sign-in in {path} ({error}). The browser sign-in can succeed and still end with &quot;credentials could not be saved&quot;.</source>
        <translation>Codex cannot save the sign-in in {path} ({error}). The browser sign-in can succeed and still end with &quot;credentials could not be saved&quot;.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Let Codex save the sign-in where it can: make the Codex folder writable, or, if the system keyring is the problem, have Codex use a file instead (the steps below show how). Then sign in again.</source>
        <translation>Let Codex save the sign-in where it can: make the Codex folder writable, or, if the system keyring is the problem, have Codex use a file instead (the steps below show how). Then sign in again.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Something failed that Sign-in Doctor cannot explain yet</source>
        <translation>Something failed that Sign-in Doctor cannot explain yet</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Some checks did not pass, but none of them proves a known cause: {observed}</source>
        <translation>Some checks did not pass, but none of them proves a known cause: {observed}</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Open Details, and share the case file with your help desk or OpenAI support.</source>
        <translation>Open Details, and share the case file with your help desk or OpenAI support.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex itself cannot reach the sign-in server</source>
        <translation>Codex itself cannot reach the sign-in server</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Your own Codex tried to finish a test sign-in and its request to {host} never got an answer, although this tool reaches the server from here. Something that only Codex goes through stops it: a proxy, a certificate setting, a firewall or a VPN (an editor can start Codex with other settings than this window has).</source>
        <translation>Your own Codex tried to finish a test sign-in and its request to {host} never got an answer, although this tool reaches the server from here. Something that only Codex goes through stops it: a proxy, a certificate setting, a firewall or a VPN (an editor can start Codex with other settings than this window has).</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Check the proxy and certificate settings of the program you sign in from (its settings and the variables it starts with), or ask IT whether a security program blocks Codex. Then press Check again.</source>
        <translation>Check the proxy and certificate settings of the program you sign in from (its settings and the variables it starts with), or ask IT whether a security program blocks Codex. Then press Check again.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex&apos;s last sign-in got no answer, though it works from here</source>
        <translation>Codex&apos;s last sign-in got no answer, though it works from here</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex&apos;s own log ({log_file}) shows that its last sign-in ({attempt_started}) sent the sign-in code to {host}, but the request never got an answer. From here every check gets through, so what stopped it was in Codex&apos;s environment but not in this one: a proxy, a certificate setting, a firewall or a VPN. That happens when Codex runs with other settings than this check, for example inside an editor that was started with its own environment.</source>
        <translation>Codex&apos;s own log ({log_file}) shows that its last sign-in ({attempt_started}) sent the sign-in code to {host}, but the request never got an answer. From here every check gets through, so what stopped it was in Codex&apos;s environment but not in this one: a proxy, a certificate setting, a firewall or a VPN. That happens when Codex runs with other settings than this check, for example inside an editor that was started with its own environment.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Sign in again from the same place that failed (the same editor or terminal). If it fails there again, fully quit and restart that editor so it takes this computer&apos;s current settings, and compare its proxy and certificate settings with the ones shown here. Then press Check again.</source>
        <translation>Sign in again from the same place that failed (the same editor or terminal). If it fails there again, fully quit and restart that editor so it takes this computer&apos;s current settings, and compare its proxy and certificate settings with the ones shown here. Then press Check again.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Your account has to verify a phone number first</source>
        <translation>Your account has to verify a phone number first</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The sign-in stopped at OpenAI&apos;s phone verification page (auth.openai.com/add-phone), so the browser never returned to Codex. This is a check on your account, not a problem of this computer: nothing here can fix it.</source>
        <translation>The sign-in stopped at OpenAI&apos;s phone verification page (auth.openai.com/add-phone), so the browser never returned to Codex. This is a check on your account, not a problem of this computer: nothing here can fix it.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Finish the phone verification on that page with a number that can receive text messages. If it refuses your number or the code never comes, sign out of chatgpt.com in the browser and try again later, or ask OpenAI support (help.openai.com).</source>
        <translation>Finish the phone verification on that page with a number that can receive text messages. If it refuses your number or the code never comes, sign out of chatgpt.com in the browser and try again later, or ask OpenAI support (help.openai.com).</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Your workspace does not allow Codex sign-in</source>
        <translation>Your workspace does not allow Codex sign-in</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The sign-in page answered that your ChatGPT workspace has sign-in to Codex switched off (codex_cli_workspace_disabled). Only a workspace admin can change that; nothing on this computer can.</source>
        <translation>The sign-in page answered that your ChatGPT workspace has sign-in to Codex switched off (codex_cli_workspace_disabled). Only a workspace admin can change that; nothing on this computer can.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Ask your workspace admin to allow Codex for you, or sign in with another workspace or account that has Codex.</source>
        <translation>Ask your workspace admin to allow Codex for you, or sign in with another workspace or account that has Codex.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The sign-in in the browser expired or got mixed up</source>
        <translation>The sign-in in the browser expired or got mixed up</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The sign-in page answered invalid_state: what the browser sent no longer matched the sign-in it started (an old tab, two sign-ins at the same time, or the Back button). Nothing on this computer is broken.</source>
        <translation>The sign-in page answered invalid_state: what the browser sent no longer matched the sign-in it started (an old tab, two sign-ins at the same time, or the Back button). Nothing on this computer is broken.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Close every OpenAI sign-in tab, start the sign-in again from Codex and finish it in the tab it opens, without going back. If it keeps happening right after you enter a phone number, that check is on your account: ask OpenAI support (help.openai.com).</source>
        <translation>Close every OpenAI sign-in tab, start the sign-in again from Codex and finish it in the tab it opens, without going back. If it keeps happening right after you enter a phone number, that check is on your account: ask OpenAI support (help.openai.com).</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Another program manages Codex&apos;s sign-in</source>
        <translation>Another program manages Codex&apos;s sign-in</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>{tools} is running. Account switchers and local proxy tools like it replace or renew Codex&apos;s saved sign-in behind Codex&apos;s back, so the sign-in you make can be swapped out or used up (refresh_token_reused).</source>
        <translation>{tools} is running. Account switchers and local proxy tools like it replace or renew Codex&apos;s saved sign-in behind Codex&apos;s back, so the sign-in you make can be swapped out or used up (refresh_token_reused).</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Quit that program (also from the tray or menu bar) or uninstall it, and turn off its proxy takeover so Codex&apos;s settings are its own again. Then sign in once. Do not run several programs that renew the same sign-in. Signing in again first signs you out of Codex on this computer (the app, the editor and the terminal share one sign-in); if the new sign-in does not finish, you stay signed out.</source>
        <translation>Quit that program (also from the tray or menu bar) or uninstall it, and turn off its proxy takeover so Codex&apos;s settings are its own again. Then sign in once. Do not run several programs that renew the same sign-in. Signing in again first signs you out of Codex on this computer (the app, the editor and the terminal share one sign-in); if the new sign-in does not finish, you stay signed out.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Another program used up Codex&apos;s saved sign-in</source>
        <translation>Another program used up Codex&apos;s saved sign-in</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex&apos;s saved sign-in can be renewed only once, and something else renewed it first (refresh_token_reused): usually another Codex app, an account switcher or a tool that shares the Codex sign-in folder. Codex then has to sign in again.</source>
        <translation>Codex&apos;s saved sign-in can be renewed only once, and something else renewed it first (refresh_token_reused): usually another Codex app, an account switcher or a tool that shares the Codex sign-in folder. Codex then has to sign in again.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Close the other Codex apps and the tools that use your Codex sign-in, then sign in again once. Signing in again first signs you out of Codex on this computer (the app, the editor and the terminal share one sign-in); if the new sign-in does not finish, you stay signed out.</source>
        <translation>Close the other Codex apps and the tools that use your Codex sign-in, then sign in again once. Signing in again first signs you out of Codex on this computer (the app, the editor and the terminal share one sign-in); if the new sign-in does not finish, you stay signed out.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>A setting on this computer restricts how you may sign in</source>
        <translation>A setting on this computer restricts how you may sign in</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex is set to allow only one kind of sign-in or only certain workspaces, and this sign-in is not one of them.</source>
        <translation>Codex is set to allow only one kind of sign-in or only certain workspaces, and this sign-in is not one of them.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Sign in the way the setting allows (the workspace or method your organisation chose), or ask your admin to change the setting.</source>
        <translation>Sign in the way the setting allows (the workspace or method your organisation chose), or ask your admin to change the setting.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Likely account-side: the browser never came back to Codex</source>
        <translation>Likely account-side: the browser never came back to Codex</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Everything Codex needs for sign-in works from this computer, but in the last sign-in the browser never came back from OpenAI&apos;s sign-in pages to Codex. {listener} That points at the account or workspace (a verification page, a workspace setting or an error on OpenAI&apos;s page), which this tool cannot see.</source>
        <translation>Everything Codex needs for sign-in works from this computer, but in the last sign-in the browser never came back from OpenAI&apos;s sign-in pages to Codex. {listener} That points at the account or workspace (a verification page, a workspace setting or an error on OpenAI&apos;s page), which this tool cannot see.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Start the sign-in again and look at the browser page where it stops. Paste its address or message into Sign-in Doctor; if it asks for a phone number or shows an error, contact OpenAI support (help.openai.com) with the exact text.</source>
        <translation>Start the sign-in again and look at the browser page where it stops. Paste its address or message into Sign-in Doctor; if it asks for a phone number or shows an error, contact OpenAI support (help.openai.com) with the exact text.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>One address of {host} does not answer</source>
        <translation>One address of {host} does not answer</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>{host} has {address_count} addresses, and not all of them answer. No answer from: {dead_addresses}. Answering: {live_addresses}. A program that happens to try the dead address first waits many seconds before it tries another, and Codex can give up before then.</source>
        <translation>{host} has {address_count} addresses, and not all of them answer. No answer from: {dead_addresses}. Answering: {live_addresses}. A program that happens to try the dead address first waits many seconds before it tries another, and Codex can give up before then.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Try again on another network (a phone hotspot, say) or with another name server, or ask IT or your internet provider why that address is blocked from here.</source>
        <translation>Try again on another network (a phone hotspot, say) or with another name server, or ask IT or your internet provider why that address is blocked from here.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Windows&apos; own certificate check refuses the sign-in server</source>
        <translation>Windows&apos; own certificate check refuses the sign-in server</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>A Windows policy turns off automatic root certificate updates, and the root that vouches for {host} ({root}) was never downloaded. Codex uses Windows&apos; own certificate check, so it refuses the secure connection even where your browser works.</source>
        <translation>A Windows policy turns off automatic root certificate updates, and the root that vouches for {host} ({root}) was never downloaded. Codex uses Windows&apos; own certificate check, so it refuses the secure connection even where your browser works.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Ask your IT administrator to allow automatic root certificate updates (or to install the missing root), then restart the computer and sign in again.</source>
        <translation>Ask your IT administrator to allow automatic root certificate updates (or to install the missing root), then restart the computer and sign in again.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>A setting makes Codex ignore your saved sign-in</source>
        <translation>A setting makes Codex ignore your saved sign-in</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>{variables} is set ({where}), so Codex uses it instead of the sign-in you saved in the browser, and fails while it is there. Signing in again does not help.</source>
        <translation>{variables} is set ({where}), so Codex uses it instead of the sign-in you saved in the browser, and fails while it is there. Signing in again does not help.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Remove {remove} from your settings (the fix below does it for you), then fully quit and restart your editor and terminals.</source>
        <translation>Remove {remove} from your settings (the fix below does it for you), then fully quit and restart your editor and terminals.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>WSL&apos;s own network stops the sign-in</source>
        <translation>WSL&apos;s own network stops the sign-in</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex runs inside WSL ({mode} networking), and WSL&apos;s network stops the connection to {host}, although Windows itself may reach it.</source>
        <translation>Codex runs inside WSL ({mode} networking), and WSL&apos;s network stops the connection to {host}, although Windows itself may reach it.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Follow the WSL steps (Fix): they show what to change in WSL&apos;s settings.</source>
        <translation>Follow the WSL steps (Fix): they show what to change in WSL&apos;s settings.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex cannot reach {host}, which it needs right after sign-in</source>
        <translation>Codex cannot reach {host}, which it needs right after sign-in</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex reaches the sign-in server, but not {host}: {detail}. Right after you sign in, Codex asks {host} which workspace to use (the Codex app&apos;s sign-in and success pages are there too), so the sign-in seems to finish and then fails: &quot;workspace routing discovery failed&quot; or &quot;timed out&quot;, a blank app, or a request to sign in again.</source>
        <translation>Codex reaches the sign-in server, but not {host}: {detail}. Right after you sign in, Codex asks {host} which workspace to use (the Codex app&apos;s sign-in and success pages are there too), so the sign-in seems to finish and then fails: &quot;workspace routing discovery failed&quot; or &quot;timed out&quot;, a blank app, or a request to sign in again.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Ask IT to allow {host} on port 443 as well as auth.openai.com, or try another network. Then press Check again.</source>
        <translation>Ask IT to allow {host} on port 443 as well as auth.openai.com, or try another network. Then press Check again.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Signed in, but Codex cannot load your workspace</source>
        <translation>Signed in, but Codex cannot load your workspace</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Your sign-in went through, but then Codex could not find out which ChatGPT workspace to use (&quot;workspace routing discovery&quot; on chatgpt.com). This is known from some Codex versions and from OpenAI&apos;s side (openai/codex#46382, #47034, #47374); the sign-in itself is not the problem.</source>
        <translation>Your sign-in went through, but then Codex could not find out which ChatGPT workspace to use (&quot;workspace routing discovery&quot; on chatgpt.com). This is known from some Codex versions and from OpenAI&apos;s side (openai/codex#46382, #47034, #47374); the sign-in itself is not the problem.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Update Codex, or, if this began with an update, go back to the version before it. If you belong to several workspaces, choose the one you use with Codex. Signing in again with the Codex CLI (codex login) can help, because the app, the editor and the terminal share one sign-in; but it first signs you out, and if it does not finish you stay signed out.</source>
        <translation>Update Codex, or, if this began with an update, go back to the version before it. If you belong to several workspaces, choose the one you use with Codex. Signing in again with the Codex CLI (codex login) can help, because the app, the editor and the terminal share one sign-in; but it first signs you out, and if it does not finish you stay signed out.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex takes another way to the sign-in server than your browser</source>
        <translation>Codex takes another way to the sign-in server than your browser</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>This computer&apos;s proxy settings, which your browser follows, go {browser_way}, but Codex goes {codex_way}, and that way fails: {detail} {tested} {option}</source>
        <translation>This computer&apos;s proxy settings, which your browser follows, go {browser_way}, but Codex goes {codex_way}, and that way fails: {detail} {tested} {option}</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Let Codex follow this computer&apos;s proxy settings (the fix below sets respect_system_proxy in Codex&apos;s config.toml), then quit Codex completely, start it again and sign in.</source>
        <translation>Let Codex follow this computer&apos;s proxy settings (the fix below sets respect_system_proxy in Codex&apos;s config.toml), then quit Codex completely, start it again and sign in.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The Codex app cannot save its own state file</source>
        <translation>The Codex app cannot save its own state file</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The Codex app&apos;s log ({desktop_log}) shows that the app cannot save its state file, .codex-global-state.json in your .codex folder: Windows refuses to put the new copy in place (EXDEV, &quot;cross-device link not permitted&quot;). What the app changes there is lost when it restarts. This was reported after an update of the Windows app, together with the app failing right after sign-in (openai/codex#46786); what exactly it costs the sign-in is not known.</source>
        <translation>The Codex app&apos;s log ({desktop_log}) shows that the app cannot save its state file, .codex-global-state.json in your .codex folder: Windows refuses to put the new copy in place (EXDEV, &quot;cross-device link not permitted&quot;). What the app changes there is lost when it restarts. This was reported after an update of the Windows app, together with the app failing right after sign-in (openai/codex#46786); what exactly it costs the sign-in is not known.</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Update the Codex app. If the error stays after the update, report it to OpenAI with the log line under Details: Sign-in Doctor knows of no repair on this computer for it.</source>
        <translation>Update the Codex app. If the error stays after the update, report it to OpenAI with the log line under Details: Sign-in Doctor knows of no repair on this computer for it.</translation>
    </message>
    <message>
        <source>{setting} turns off Windows&apos; automatic root certificate updates, and the root that vouches for {host} ({root}) was never downloaded. Codex uses Windows&apos; own certificate check, so it refuses the secure connection even where your browser works.</source>
        <translation type="vanished">{setting} turns off Windows&apos; automatic root certificate updates, and the root that vouches for {host} ({root}) was never downloaded. Codex uses Windows&apos; own certificate check, so it refuses the secure connection even where your browser works.</translation>
    </message>
    <message>
        <source>One address of the sign-in server does not answer</source>
        <translation type="vanished">One address of the sign-in server does not answer</translation>
    </message>
    <message>
        <source>Codex&apos;s saved sign-in holds only an API key, no ChatGPT sign-in, so Codex uses that key instead of your ChatGPT account. Account switchers write such a file when they switch accounts; if you did not set up an API key yourself, one of them replaced your sign-in.</source>
        <translation type="vanished">Codex&apos;s saved sign-in holds only an API key, no ChatGPT sign-in, so Codex uses that key instead of your ChatGPT account. Account switchers write such a file when they switch accounts; if you did not set up an API key yourself, one of them replaced your sign-in.</translation>
    </message>
    <message>
        <source>Windows is not allowed to fetch the certificate the sign-in needs</source>
        <translation type="vanished">Windows is not allowed to fetch the certificate the sign-in needs</translation>
    </message>
    <message>
        <source>{host} has {address_count} addresses. {dead_addresses} do not answer, while {live_addresses} does. A program that happens to try the dead address first waits many seconds before it tries another, and Codex can give up before then.</source>
        <translation type="vanished">{host} has {address_count} addresses. {dead_addresses} do not answer, while {live_addresses} does. A program that happens to try the dead address first waits many seconds before it tries another, and Codex can give up before then.</translation>
    </message>
    <message>
        <source>SSL_CERT_FILE points Codex at {ssl_cert_file}, which replaces your computer&apos;s own list of trusted certificates, and that file does not trust {host}.</source>
        <translation type="vanished">SSL_CERT_FILE points Codex at {ssl_cert_file}, which replaces your computer&apos;s own list of trusted certificates, and that file does not trust {host}.</translation>
    </message>
    <message>
        <source>{variable} is set to {path}, but {problem}. Codex stops before it even tries to sign in.</source>
        <translation type="vanished">{variable} is set to {path}, but {problem}. Codex stops before it even tries to sign in.</translation>
    </message>
    <message>
        <source>Codex is told to use the proxy {proxy} ({proxy_source}), but Codex cannot use a &apos;{scheme}&apos; proxy.</source>
        <translation type="vanished">Codex is told to use the proxy {proxy} ({proxy_source}), but Codex cannot use a &apos;{scheme}&apos; proxy.</translation>
    </message>
    <message>
        <source>Everything Codex needs for sign-in works from this computer: the sign-in server answers, the connection is trusted, the clock is right and the sign-in port is free. If sign-in still fails, the problem is most likely on OpenAI&apos;s side or with the account.</source>
        <translation type="vanished">Everything Codex needs for sign-in works from this computer: the sign-in server answers, the connection is trusted, the clock is right and the sign-in port is free. If sign-in still fails, the problem is most likely on OpenAI&apos;s side or with the account.</translation>
    </message>
    <message>
        <source>Close the program that holds the port (often another editor or Codex window) and sign in again, or sign in with a device code instead.</source>
        <translation type="vanished">Close the program that holds the port (often another editor or Codex window) and sign in again, or sign in with a device code instead.</translation>
    </message>
    <message>
        <source>Some checks did not pass, but none of them proves a known cause: {observed}.</source>
        <translation type="vanished">Some checks did not pass, but none of them proves a known cause: {observed}.</translation>
    </message>
</context>
<context>
    <name>cert_lint</name>
    <message>
        <location filename="../../wizard/net/cert_lint.py"/>
        <source>an unnamed certificate authority</source>
        <translation>an unnamed certificate authority</translation>
    </message>
    <message>
        <location filename="../../wizard/net/cert_lint.py"/>
        <source>&apos;{who}&apos; is signed with {hash}, which Codex and other strict programs reject.</source>
        <translation>&apos;{who}&apos; is signed with {hash}, which Codex and other strict programs reject.</translation>
    </message>
    <message>
        <location filename="../../wizard/net/cert_lint.py"/>
        <source>&apos;{who}&apos; has a {bits}-bit RSA key; Codex and other strict programs need at least {minimum} bits.</source>
        <translation>&apos;{who}&apos; has a {bits}-bit RSA key; Codex and other strict programs need at least {minimum} bits.</translation>
    </message>
    <message>
        <location filename="../../wizard/net/cert_lint.py"/>
        <source>&apos;{who}&apos; has no Authority Key Identifier, which Python 3.13 and other strict programs require.</source>
        <translation>&apos;{who}&apos; has no Authority Key Identifier, which Python 3.13 and other strict programs require.</translation>
    </message>
    <message>
        <location filename="../../wizard/net/cert_lint.py"/>
        <source>&apos;{who}&apos; is a certificate authority without a Subject Key Identifier, which Python 3.13 and other strict programs require.</source>
        <translation>&apos;{who}&apos; is a certificate authority without a Subject Key Identifier, which Python 3.13 and other strict programs require.</translation>
    </message>
    <message>
        <location filename="../../wizard/net/cert_lint.py"/>
        <source>&apos;{who}&apos; does not say it is a certificate authority (no basicConstraints), so strict programs do not accept what it signs.</source>
        <translation>&apos;{who}&apos; does not say it is a certificate authority (no basicConstraints), so strict programs do not accept what it signs.</translation>
    </message>
    <message>
        <location filename="../../wizard/net/cert_lint.py"/>
        <source>&apos;{who}&apos; does not mark its basicConstraints as critical, which Python 3.13 and other strict programs require of a certificate authority.</source>
        <translation>&apos;{who}&apos; does not mark its basicConstraints as critical, which Python 3.13 and other strict programs require of a certificate authority.</translation>
    </message>
    <message>
        <location filename="../../wizard/net/cert_lint.py"/>
        <source>&apos;{who}&apos; is not valid until {start} (this computer&apos;s date is {today}).</source>
        <translation>&apos;{who}&apos; is not valid until {start} (this computer&apos;s date is {today}).</translation>
    </message>
    <message>
        <location filename="../../wizard/net/cert_lint.py"/>
        <source>&apos;{who}&apos; expired on {end}.</source>
        <translation>&apos;{who}&apos; expired on {end}.</translation>
    </message>
</context>
<context>
    <name>chain</name>
    <message>
        <location filename="../../wizard/net/chain.py"/>
        <source>cannot connect to {host}:{port} ({error})</source>
        <translation>cannot connect to {host}:{port} ({error})</translation>
    </message>
    <message>
        <location filename="../../wizard/net/chain.py"/>
        <source>a &apos;{scheme}&apos; proxy cannot be tested this way</source>
        <translation>a &apos;{scheme}&apos; proxy cannot be tested this way</translation>
    </message>
    <message>
        <location filename="../../wizard/net/chain.py"/>
        <source>the proxy {proxy} does not accept connections ({error})</source>
        <translation>the proxy {proxy} does not accept connections ({error})</translation>
    </message>
    <message>
        <location filename="../../wizard/net/chain.py"/>
        <source>the proxy connection failed ({error})</source>
        <translation>the proxy connection failed ({error})</translation>
    </message>
    <message>
        <location filename="../../wizard/net/chain.py"/>
        <source>the proxy {proxy} did not answer in time</source>
        <translation>the proxy {proxy} did not answer in time</translation>
    </message>
    <message>
        <location filename="../../wizard/net/chain.py"/>
        <source>the proxy closed the connection</source>
        <translation>the proxy closed the connection</translation>
    </message>
    <message>
        <location filename="../../wizard/net/chain.py"/>
        <source>the proxy sent an endless answer</source>
        <translation>the proxy sent an endless answer</translation>
    </message>
    <message>
        <location filename="../../wizard/net/chain.py"/>
        <source>the proxy {proxy} answered &apos;{answer}&apos; to the tunnel request</source>
        <translation>the proxy {proxy} answered &apos;{answer}&apos; to the tunnel request</translation>
    </message>
    <message>
        <location filename="../../wizard/net/chain.py"/>
        <source>cancelled</source>
        <translation>cancelled</translation>
    </message>
    <message>
        <location filename="../../wizard/net/chain.py"/>
        <source>the secure handshake got no answer within {seconds:.1f} seconds</source>
        <translation>the secure handshake got no answer within {seconds:.1f} seconds</translation>
    </message>
    <message>
        <location filename="../../wizard/net/chain.py"/>
        <source>the connection was cut during the secure handshake</source>
        <translation>the connection was cut during the secure handshake</translation>
    </message>
    <message>
        <location filename="../../wizard/net/chain.py"/>
        <source>the secure handshake failed ({reason})</source>
        <translation>the secure handshake failed ({reason})</translation>
    </message>
</context>
<context>
    <name>chatgpt</name>
    <message>
        <location filename="../../wizard/checks/chatgpt_host.py"/>
        <source>Only checked for OpenAI&apos;s own sign-in server.</source>
        <translation>Only checked for OpenAI&apos;s own sign-in server.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/chatgpt_host.py"/>
        <source>{host} does not answer Codex&apos;s request: {detail}.</source>
        <translation>{host} does not answer Codex&apos;s request: {detail}.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/chatgpt_host.py"/>
        <source>{host} answers Codex (HTTP {status}).</source>
        <translation>{host} answers Codex (HTTP {status}).</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/chatgpt_host.py"/>
        <source>{host} is found, every address answers, the connection is trusted and it answers Codex.</source>
        <translation>{host} is found, every address answers, the connection is trusted and it answers Codex.</translation>
    </message>
</context>
<context>
    <name>checks</name>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Proxy settings</source>
        <translation>Proxy settings</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Certificate settings</source>
        <translation>Certificate settings</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Finding the sign-in server</source>
        <translation>Finding the sign-in server</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Connecting to the sign-in server</source>
        <translation>Connecting to the sign-in server</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Every address of the sign-in server</source>
        <translation>Every address of the sign-in server</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Secure connection</source>
        <translation>Secure connection</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Windows certificate updates</source>
        <translation>Windows certificate updates</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Sign-in server answers</source>
        <translation>Sign-in server answers</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Finishing sign-in (token exchange)</source>
        <translation>Finishing sign-in (token exchange)</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Your browser&apos;s way to the sign-in server</source>
        <translation>Your browser&apos;s way to the sign-in server</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Computer clock</source>
        <translation>Computer clock</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>chatgpt.com (needed right after sign-in)</source>
        <translation>chatgpt.com (needed right after sign-in)</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Sign-in return port</source>
        <translation>Sign-in return port</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Where Codex runs</source>
        <translation>Where Codex runs</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Editor settings</source>
        <translation>Editor settings</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Codex installation</source>
        <translation>Codex installation</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Saved sign-in</source>
        <translation>Saved sign-in</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Which sign-in Codex uses</source>
        <translation>Which sign-in Codex uses</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Saving the sign-in</source>
        <translation>Saving the sign-in</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Programs that change the sign-in</source>
        <translation>Programs that change the sign-in</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Last sign-in attempt</source>
        <translation>Last sign-in attempt</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Windows Subsystem for Linux</source>
        <translation>Windows Subsystem for Linux</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>WSL network</source>
        <translation>WSL network</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Sign-in rules on this computer</source>
        <translation>Sign-in rules on this computer</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Your error message</source>
        <translation>Your error message</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>OpenAI status</source>
        <translation>OpenAI status</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Your own Codex tries it</source>
        <translation>Your own Codex tries it</translation>
    </message>
</context>
<context>
    <name>cli</name>
    <message>
        <location filename="../../wizard/cli.py"/>
        <source>Checking sign-in to {name} ({url}) ...</source>
        <translation>Checking sign-in to {name} ({url}) ...</translation>
    </message>
    <message>
        <location filename="../../wizard/cli.py"/>
        <source>Verdict: {title}  (sign-in step: {step})</source>
        <translation>Verdict: {title}  (sign-in step: {step})</translation>
    </message>
    <message>
        <location filename="../../wizard/cli.py"/>
        <source>Verdict: {title}</source>
        <translation>Verdict: {title}</translation>
    </message>
    <message>
        <location filename="../../wizard/cli.py"/>
        <source>Next: {action}</source>
        <translation>Next: {action}</translation>
    </message>
    <message>
        <location filename="../../wizard/cli.py"/>
        <source>Fixes: {fixes}  (python -m wizard fix FIX_ID)</source>
        <translation>Fixes: {fixes}  (python -m wizard fix FIX_ID)</translation>
    </message>
    <message>
        <location filename="../../wizard/cli.py"/>
        <source>Also found: {causes}</source>
        <translation>Also found: {causes}</translation>
    </message>
    <message>
        <location filename="../../wizard/cli.py"/>
        <source>Your error message: {meaning}</source>
        <translation>Your error message: {meaning}</translation>
    </message>
    <message>
        <location filename="../../wizard/cli.py"/>
        <source>python -m wizard: error: cannot write the case file to {folder}: {reason}</source>
        <translation>python -m wizard: error: cannot write the case file to {folder}: {reason}</translation>
    </message>
    <message>
        <location filename="../../wizard/cli.py"/>
        <source>Case {case_id}: {title}</source>
        <translation>Case {case_id}: {title}</translation>
    </message>
    <message>
        <location filename="../../wizard/cli.py"/>
        <source>  wrote {path}</source>
        <translation>  wrote {path}</translation>
    </message>
</context>
<context>
    <name>clock</name>
    <message>
        <location filename="../../wizard/checks/clock.py"/>
        <source>Not tested: the sign-in server could not be asked.</source>
        <translation>Not tested: the sign-in server could not be asked.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/clock.py"/>
        <source>Not tested: the sign-in server did not tell its time.</source>
        <translation>Not tested: the sign-in server did not tell its time.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/clock.py"/>
        <source>Not tested: the answer did not come from the sign-in server.</source>
        <translation>Not tested: the answer did not come from the sign-in server.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/clock.py"/>
        <source>Not tested: the sign-in server&apos;s time could not be read.</source>
        <translation>Not tested: the sign-in server&apos;s time could not be read.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/clock.py"/>
        <source>ahead of</source>
        <translation>ahead of</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/clock.py"/>
        <source>behind</source>
        <translation>behind</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/clock.py"/>
        <source>This computer&apos;s clock is {skew_human} {direction} the sign-in server&apos;s.</source>
        <translation>This computer&apos;s clock is {skew_human} {direction} the sign-in server&apos;s.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/clock.py"/>
        <source>This computer&apos;s clock is right (off by {off} s).</source>
        <translation>This computer&apos;s clock is right (off by {off} s).</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/clock.py"/>
        <source>This computer&apos;s clock is right (off by less than 1 s).</source>
        <translation>This computer&apos;s clock is right (off by less than 1 s).</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/clock.py"/>
        <source>{n} second</source>
        <translation>{n} second</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/clock.py"/>
        <source>{n} seconds</source>
        <translation>{n} seconds</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/clock.py"/>
        <source>{n} minute</source>
        <translation>{n} minute</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/clock.py"/>
        <source>{n} minutes</source>
        <translation>{n} minutes</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/clock.py"/>
        <source>{n} hour</source>
        <translation>{n} hour</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/clock.py"/>
        <source>{n} hours</source>
        <translation>{n} hours</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/clock.py"/>
        <source>{n} day</source>
        <translation>{n} day</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/clock.py"/>
        <source>{n} days</source>
        <translation>{n} days</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/clock.py"/>
        <source>{a} {b}</source>
        <translation>{a} {b}</translation>
    </message>
</context>
<context>
    <name>codex</name>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>may lack custom-certificate support and the 1457 fallback</source>
        <translation>may lack custom-certificate support and the 1457 fallback</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>not run: out of time</source>
        <translation>not run: out of time</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>cannot be started</source>
        <translation>cannot be started</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>did not answer to --version in time</source>
        <translation>did not answer to --version in time</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>cannot be started ({error})</source>
        <translation>cannot be started ({error})</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>--version printed no version (exit code {code})</source>
        <translation>--version printed no version (exit code {code})</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>on PATH</source>
        <translation>on PATH</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>no codex program inside the extension</source>
        <translation>no codex program inside the extension</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>built for another system</source>
        <translation>built for another system</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>in {editor}</source>
        <translation>in {editor}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>Codex was not found on this computer&apos;s PATH or in an editor.</source>
        <translation>Codex was not found on this computer&apos;s PATH or in an editor.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>{version} {where}</source>
        <translation>{version} {where}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>{which} (and {count} more)</source>
        <translation>{which} (and {count} more)</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>Codex {which} is older than {known_good} and {warning}.</source>
        <translation>Codex {which} is older than {known_good} and {warning}.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>Codex {versions} is installed.</source>
        <translation>Codex {versions} is installed.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>Codex is installed ({where}), but its version could not be read.</source>
        <translation>Codex is installed ({where}), but its version could not be read.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>{n} day ago</source>
        <translation>{n} day ago</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>{n} days ago</source>
        <translation>{n} days ago</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>{n} hour ago</source>
        <translation>{n} hour ago</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>{n} hours ago</source>
        <translation>{n} hours ago</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>{n} minute ago</source>
        <translation>{n} minute ago</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>{n} minutes ago</source>
        <translation>{n} minutes ago</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>just now</source>
        <translation>just now</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>cannot be read: {error}</source>
        <translation>cannot be read: {error}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>line {line}: {detail}</source>
        <translation>line {line}: {detail}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>CODEX_HOME points to a folder that does not exist ({path}), so Codex cannot start.</source>
        <translation>CODEX_HOME points to a folder that does not exist ({path}), so Codex cannot start.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>{file} cannot be read ({error})</source>
        <translation>{file} cannot be read ({error})</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>The saved sign-in {file} can be read by other users (mode {mode})</source>
        <translation>The saved sign-in {file} can be read by other users (mode {mode})</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>the saved sign-in {file} can be read by other users (mode {mode})</source>
        <translation>the saved sign-in {file} can be read by other users (mode {mode})</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>A ChatGPT sign-in is saved, but {names} is also set (mixed auth signals)</source>
        <translation>A ChatGPT sign-in is saved, but {names} is also set (mixed auth signals)</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>a ChatGPT sign-in is saved, but {names} is also set (mixed auth signals)</source>
        <translation>a ChatGPT sign-in is saved, but {names} is also set (mixed auth signals)</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>{warnings}.</source>
        <translation>{warnings}.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>; </source>
        <translation>; </translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>A saved sign-in exists in {path} (saved {age}).</source>
        <translation>A saved sign-in exists in {path} (saved {age}).</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>Codex saves its sign-in in the system keyring; no sign-in file is expected.</source>
        <translation>Codex saves its sign-in in the system keyring; no sign-in file is expected.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>No sign-in is saved in {path} yet.</source>
        <translation>No sign-in is saved in {path} yet.</translation>
    </message>
    <message>
        <source>Codex saves the sign-in in the system keyring.</source>
        <translation type="vanished">Codex saves the sign-in in the system keyring.</translation>
    </message>
    <message>
        <source>Codex cannot save a sign-in in {path} (not writable)</source>
        <translation type="vanished">Codex cannot save a sign-in in {path} (not writable)</translation>
    </message>
    <message>
        <source>Codex can save a sign-in in {path} (none saved yet).</source>
        <translation type="vanished">Codex can save a sign-in in {path} (none saved yet).</translation>
    </message>
</context>
<context>
    <name>codex_probe</name>
    <message>
        <location filename="../../wizard/checks/codex_probe.py"/>
        <source>Not run: on this system Codex would open your browser at the sign-in page.</source>
        <translation>Not run: on this system Codex would open your browser at the sign-in page.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex_probe.py"/>
        <source>Not run: programs cannot be started here.</source>
        <translation>Not run: programs cannot be started here.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex_probe.py"/>
        <source>Not run: a Codex sign-in is waiting on port {port} right now, and a test sign-in would end it or fail beside it.</source>
        <translation>Not run: a Codex sign-in is waiting on port {port} right now, and a test sign-in would end it or fail beside it.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex_probe.py"/>
        <source>Not run: no Codex program was found inside WSL to ask.</source>
        <translation>Not run: no Codex program was found inside WSL to ask.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex_probe.py"/>
        <source>Not run: no Codex program was found to ask.</source>
        <translation>Not run: no Codex program was found to ask.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex_probe.py"/>
        <source>Codex inside WSL ({distro})</source>
        <translation>Codex inside WSL ({distro})</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex_probe.py"/>
        <source>Your own Codex reached the sign-in server, which refused a test code as expected: the whole way to it works for Codex.</source>
        <translation>Your own Codex reached the sign-in server, which refused a test code as expected: the whole way to it works for Codex.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex_probe.py"/>
        <source>Your own Codex did not start a sign-in in time.</source>
        <translation>Your own Codex did not start a sign-in in time.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex_probe.py"/>
        <source>Your own Codex started a sign-in but did not answer on it.</source>
        <translation>Your own Codex started a sign-in but did not answer on it.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex_probe.py"/>
        <source>Your own Codex did not finish its test sign-in in time.</source>
        <translation>Your own Codex did not finish its test sign-in in time.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex_probe.py"/>
        <source>Your own Codex stops at the token exchange: it cannot use the certificate file it is told to use.</source>
        <translation>Your own Codex stops at the token exchange: it cannot use the certificate file it is told to use.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex_probe.py"/>
        <source>Your own Codex cannot wait for the browser&apos;s return: its ports are taken.</source>
        <translation>Your own Codex cannot wait for the browser&apos;s return: its ports are taken.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex_probe.py"/>
        <source>Your own Codex could not get an answer from the sign-in server: the request never arrived (a proxy, a certificate, a firewall or a VPN on its way).</source>
        <translation>Your own Codex could not get an answer from the sign-in server: the request never arrived (a proxy, a certificate, a firewall or a VPN on its way).</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex_probe.py"/>
        <source>The sign-in server refused your own Codex because of the region.</source>
        <translation>The sign-in server refused your own Codex because of the region.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex_probe.py"/>
        <source>The sign-in server had an error of its own when your Codex asked.</source>
        <translation>The sign-in server had an error of its own when your Codex asked.</translation>
    </message>
    <message>
        <source>Not run: a Codex sign-in is waiting on port {port} right now, and a test sign-in would cancel it.</source>
        <translation type="vanished">Not run: a Codex sign-in is waiting on port {port} right now, and a test sign-in would cancel it.</translation>
    </message>
</context>
<context>
    <name>decoder</name>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>A certificate setting points at a file that holds no certificates. The browser step works, then Codex fails at the token exchange (&quot;Token exchange failed&quot;).</source>
        <translation>A certificate setting points at a file that holds no certificates. The browser step works, then Codex fails at the token exchange (&quot;Token exchange failed&quot;).</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>CODEX_CA_CERTIFICATE or SSL_CERT_FILE names a file without any PEM CERTIFICATE block (custom_ca.rs).</source>
        <translation>CODEX_CA_CERTIFICATE or SSL_CERT_FILE names a file without any PEM CERTIFICATE block (custom_ca.rs).</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>A certificate setting points at a file Codex cannot read. The browser step works, then Codex fails at the token exchange (&quot;Token exchange failed&quot;).</source>
        <translation>A certificate setting points at a file Codex cannot read. The browser step works, then Codex fails at the token exchange (&quot;Token exchange failed&quot;).</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>CODEX_CA_CERTIFICATE or SSL_CERT_FILE is missing, unreadable or malformed (custom_ca.rs).</source>
        <translation>CODEX_CA_CERTIFICATE or SSL_CERT_FILE is missing, unreadable or malformed (custom_ca.rs).</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>A certificate setting (CODEX_CA_CERTIFICATE or SSL_CERT_FILE) points at something Codex cannot read as a file, so Codex cannot make a trusted connection to sign in.</source>
        <translation>A certificate setting (CODEX_CA_CERTIFICATE or SSL_CERT_FILE) points at something Codex cannot read as a file, so Codex cannot make a trusted connection to sign in.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>codex doctor: the custom CA variable names a missing, unreadable or non-file path.</source>
        <translation>codex doctor: the custom CA variable names a missing, unreadable or non-file path.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The proxy Codex is told to use asks for a user name and password (HTTP 407), and Codex does not send them, so it cannot reach the sign-in server.</source>
        <translation>The proxy Codex is told to use asks for a user name and password (HTTP 407), and Codex does not send them, so it cannot reach the sign-in server.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The proxy answered 407 Proxy Authentication Required (to CONNECT or to a plain HTTP request).</source>
        <translation>The proxy answered 407 Proxy Authentication Required (to CONNECT or to a plain HTTP request).</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Codex did not trust the certificate it was shown for the sign-in server. Usually a company proxy or security program decrypts the connection, or SSL_CERT_FILE hides the computer&apos;s own trusted certificates.</source>
        <translation>Codex did not trust the certificate it was shown for the sign-in server. Usually a company proxy or security program decrypts the connection, or SSL_CERT_FILE hides the computer&apos;s own trusted certificates.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>rustls rejected the chain: its root is not in the roots Codex uses.</source>
        <translation>rustls rejected the chain: its root is not in the roots Codex uses.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The certificate shown for the sign-in server is signed in an outdated way (typically an old inspection certificate of a company proxy), and Codex refuses it.</source>
        <translation>The certificate shown for the sign-in server is signed in an outdated way (typically an old inspection certificate of a company proxy), and Codex refuses it.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>rustls rejects SHA-1 or RSA-1024 signatures used by some inspection CAs.</source>
        <translation>rustls rejects SHA-1 or RSA-1024 signatures used by some inspection CAs.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The sign-in server&apos;s certificate looks expired or not yet valid. Usually this computer&apos;s clock is wrong.</source>
        <translation>The sign-in server&apos;s certificate looks expired or not yet valid. Usually this computer&apos;s clock is wrong.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>rustls certificate validity check failed (Expired / NotValidYet).</source>
        <translation>rustls certificate validity check failed (Expired / NotValidYet).</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Windows does not trust the certificate the server presented: its root certificate is not on this computer. Either Windows is not allowed to download it (a policy), or a security program re-signs the connection with its own certificate.</source>
        <translation>Windows does not trust the certificate the server presented: its root certificate is not on this computer. Either Windows is not allowed to download it (a policy), or a security program re-signs the connection with its own certificate.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>SChannel SEC_E_UNTRUSTED_ROOT (0x80090325): the chain ends at a root that is not in the Windows store (openai/codex #41275).</source>
        <translation>SChannel SEC_E_UNTRUSTED_ROOT (0x80090325): the chain ends at a root that is not in the Windows store (openai/codex #41275).</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Windows could not check whether the server&apos;s certificate was revoked, so it refused the secure connection. This is usual when a security program inspects the connection with certificates that name no address for that check.</source>
        <translation>Windows could not check whether the server&apos;s certificate was revoked, so it refused the secure connection. This is usual when a security program inspects the connection with certificates that name no address for that check.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>SChannel CRYPT_E_NO_REVOCATION_CHECK (0x80092012): the leaf has no reachable OCSP or CRL address (openai/codex #41275, curl/curl#12241).</source>
        <translation>SChannel CRYPT_E_NO_REVOCATION_CHECK (0x80092012): the leaf has no reachable OCSP or CRL address (openai/codex #41275, curl/curl#12241).</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The certificate of the sign-in server was not trusted. Usually a company proxy or security program decrypts the connection.</source>
        <translation>The certificate of the sign-in server was not trusted. Usually a company proxy or security program decrypts the connection.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>OpenSSL/Python verification error (old Python-based login helper, or another tool).</source>
        <translation>OpenSSL/Python verification error (old Python-based login helper, or another tool).</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The secure connection to OpenAI failed because the certificate was not trusted. Usually a company proxy or security program decrypts the connection, or a certificate setting (CODEX_CA_CERTIFICATE or SSL_CERT_FILE) points at a wrong or empty file.</source>
        <translation>The secure connection to OpenAI failed because the certificate was not trusted. Usually a company proxy or security program decrypts the connection, or a certificate setting (CODEX_CA_CERTIFICATE or SSL_CERT_FILE) points at a wrong or empty file.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>codex doctor: the TLS handshake or the certificate check failed (the lab shows this both for an intercepting proxy and for a missing, empty or non-PEM CA file).</source>
        <translation>codex doctor: the TLS handshake or the certificate check failed (the lab shows this both for an intercepting proxy and for a missing, empty or non-PEM CA file).</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The sign-in server refused the connection Codex made because of the country or region it came from. The browser may use a VPN or proxy that Codex does not.</source>
        <translation>The sign-in server refused the connection Codex made because of the country or region it came from. The browser may use a VPN or proxy that Codex does not.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>POST /oauth/token answered 403 with unsupported_country_region_territory.</source>
        <translation>POST /oauth/token answered 403 with unsupported_country_region_territory.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The sign-in server refused to finish the sign-in (403 Forbidden). Most often it refuses the region the connection comes from.</source>
        <translation>The sign-in server refused to finish the sign-in (403 Forbidden). Most often it refuses the region the connection comes from.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>POST /oauth/token answered 403.</source>
        <translation>POST /oauth/token answered 403.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>OpenAI&apos;s sign-in server had an error of its own while finishing the sign-in.</source>
        <translation>OpenAI&apos;s sign-in server had an error of its own while finishing the sign-in.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>POST /oauth/token answered 5xx.</source>
        <translation>POST /oauth/token answered 5xx.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The sign-in server rejected the sign-in code. It may have expired or been used already: start the sign-in again.</source>
        <translation>The sign-in server rejected the sign-in code. It may have expired or been used already: start the sign-in again.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>POST /oauth/token answered a non-2xx status.</source>
        <translation>POST /oauth/token answered a non-2xx status.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Codex could not look up the address of OpenAI&apos;s server by itself. With a proxy this can be normal (the proxy looks addresses up); without one, this computer cannot find OpenAI&apos;s servers.</source>
        <translation>Codex could not look up the address of OpenAI&apos;s server by itself. With a proxy this can be normal (the proxy looks addresses up); without one, this computer cannot find OpenAI&apos;s servers.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>codex doctor: its own DNS lookup of the provider host failed.</source>
        <translation>codex doctor: its own DNS lookup of the provider host failed.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>This computer could not look up the address of the sign-in server.</source>
        <translation>This computer could not look up the address of the sign-in server.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Name resolution failed inside the HTTP client.</source>
        <translation>Name resolution failed inside the HTTP client.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Something refused the connection. Most often Codex is told to use a proxy that is no longer running.</source>
        <translation>Something refused the connection. Most often Codex is told to use a proxy that is no longer running.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>TCP connect refused (ECONNREFUSED).</source>
        <translation>TCP connect refused (ECONNREFUSED).</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Sending the sign-in code to the sign-in server timed out: something on the way (firewall, VPN, proxy) swallows the connection.</source>
        <translation>Sending the sign-in code to the sign-in server timed out: something on the way (firewall, VPN, proxy) swallows the connection.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>reqwest transport error with is_timeout=true (codex-login.log).</source>
        <translation>reqwest transport error with is_timeout=true (codex-login.log).</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Codex could not set up the connection to the sign-in server to send the sign-in code. This covers the proxy (not running, or asking for a password), the certificate check (a company proxy or security program decrypting the connection, or a wrong certificate setting), a firewall, a VPN and DNS.</source>
        <translation>Codex could not set up the connection to the sign-in server to send the sign-in code. This covers the proxy (not running, or asking for a password), the certificate check (a company proxy or security program decrypting the connection, or a wrong certificate setting), a firewall, a VPN and DNS.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>reqwest transport error with is_connect=true (codex-login.log): the connect phase includes the proxy CONNECT and the TLS handshake.</source>
        <translation>reqwest transport error with is_connect=true (codex-login.log): the connect phase includes the proxy CONNECT and the TLS handshake.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Codex&apos;s first connection to the sign-in server failed, so it tried once more with this computer&apos;s system proxy settings. The next lines tell whether that worked.</source>
        <translation>Codex&apos;s first connection to the sign-in server failed, so it tried once more with this computer&apos;s system proxy settings. The next lines tell whether that worked.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>codex-login.log: the token request failed to connect and is retried with the system proxy.</source>
        <translation>codex-login.log: the token request failed to connect and is retried with the system proxy.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Sending the sign-in code to the sign-in server failed on the way (network, proxy or secure connection).</source>
        <translation>Sending the sign-in code to the sign-in server failed on the way (network, proxy or secure connection).</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>reqwest transport error during POST /oauth/token (codex-login.log).</source>
        <translation>reqwest transport error during POST /oauth/token (codex-login.log).</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The last sign-in failed while sending the code to the sign-in server: the network, a proxy or the secure connection stopped it. Your browser sign-in itself worked.</source>
        <translation>The last sign-in failed while sending the code to the sign-in server: the network, a proxy or the secure connection stopped it. Your browser sign-in itself worked.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>reqwest transport error (DNS, TCP, proxy or TLS) on POST /oauth/token.</source>
        <translation>reqwest transport error (DNS, TCP, proxy or TLS) on POST /oauth/token.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Codex could not reach the sign-in server to start a sign-in with a device code: the network, a proxy or the secure connection stopped it.</source>
        <translation>Codex could not reach the sign-in server to start a sign-in with a device code: the network, a proxy or the secure connection stopped it.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>reqwest transport error (DNS, TCP, proxy or TLS) on POST /api/accounts/deviceauth/usercode or /token.</source>
        <translation>reqwest transport error (DNS, TCP, proxy or TLS) on POST /api/accounts/deviceauth/usercode or /token.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Codex&apos;s own check got no answer from OpenAI&apos;s server in time: something on the way (a proxy, firewall or VPN) holds the connection without answering.</source>
        <translation>Codex&apos;s own check got no answer from OpenAI&apos;s server in time: something on the way (a proxy, firewall or VPN) holds the connection without answering.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>codex doctor: the provider reachability probe timed out.</source>
        <translation>codex doctor: the provider reachability probe timed out.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Codex&apos;s own check could not open a connection to OpenAI&apos;s server. Most often the proxy Codex is told to use is not running; otherwise a firewall or VPN blocks the connection.</source>
        <translation>Codex&apos;s own check could not open a connection to OpenAI&apos;s server. Most often the proxy Codex is told to use is not running; otherwise a firewall or VPN blocks the connection.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>codex doctor: the provider reachability probe failed to connect (also when the proxy refuses the connection).</source>
        <translation>codex doctor: the provider reachability probe failed to connect (also when the proxy refuses the connection).</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Codex cannot use the proxy setting it found: the proxy address is malformed, of a kind Codex does not support, or the system proxy settings could not be read.</source>
        <translation>Codex cannot use the proxy setting it found: the proxy address is malformed, of a kind Codex does not support, or the system proxy settings could not be read.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>codex doctor: proxy configuration could not be used for the reachability probe.</source>
        <translation>codex doctor: proxy configuration could not be used for the reachability probe.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Codex&apos;s own check could not reach OpenAI&apos;s servers. The same problem (a proxy, VPN, firewall, DNS or certificate) usually stops the sign-in too; the line below it in the doctor output says which.</source>
        <translation>Codex&apos;s own check could not reach OpenAI&apos;s servers. The same problem (a proxy, VPN, firewall, DNS or certificate) usually stops the sign-in too; the line below it in the doctor output says which.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>codex doctor: network.provider_reachability failed.</source>
        <translation>codex doctor: network.provider_reachability failed.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Codex&apos;s check of its live connection (WebSocket) failed. Codex falls back to ordinary HTTPS, so this alone does not stop sign-in.</source>
        <translation>Codex&apos;s check of its live connection (WebSocket) failed. Codex falls back to ordinary HTTPS, so this alone does not stop sign-in.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>codex doctor: network.websocket_reachability warning.</source>
        <translation>codex doctor: network.websocket_reachability warning.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Codex could not reach an OpenAI server: the network, a proxy or the secure connection stopped it.</source>
        <translation>Codex could not reach an OpenAI server: the network, a proxy or the secure connection stopped it.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>reqwest transport error (DNS, TCP, proxy or TLS).</source>
        <translation>reqwest transport error (DNS, TCP, proxy or TLS).</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Windows does not let Codex use the sign-in port: it is reserved for Windows networking (Hyper-V, WSL or Docker).</source>
        <translation>Windows does not let Codex use the sign-in port: it is reserved for Windows networking (Hyper-V, WSL or Docker).</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>bind() failed with WSAEACCES (10013): the port is inside an excluded port range.</source>
        <translation>bind() failed with WSAEACCES (10013): the port is inside an excluded port range.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Another program already uses the sign-in port, so Codex cannot wait for the browser&apos;s return.</source>
        <translation>Another program already uses the sign-in port, so Codex cannot wait for the browser&apos;s return.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>bind() failed with WSAEADDRINUSE (10048).</source>
        <translation>bind() failed with WSAEADDRINUSE (10048).</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Another program already uses the sign-in port (1455, and 1457 on newer Codex), so Codex cannot wait for the browser&apos;s return.</source>
        <translation>Another program already uses the sign-in port (1455, and 1457 on newer Codex), so Codex cannot wait for the browser&apos;s return.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The login server could not bind 127.0.0.1:1455 (and its fallback 1457).</source>
        <translation>The login server could not bind 127.0.0.1:1455 (and its fallback 1457).</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Port 1455 was held by a program other than a waiting Codex sign-in, so Codex could not ask it to stop. Newer Codex then uses its fallback port 1457.</source>
        <translation>Port 1455 was held by a program other than a waiting Codex sign-in, so Codex could not ask it to stop. Newer Codex then uses its fallback port 1457.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The login server could not bind 1455 and its /cancel request to the holder failed (e.g. Broken pipe); Codex 0.169 then falls back to 1457.</source>
        <translation>The login server could not bind 1455 and its /cancel request to the holder failed (e.g. Broken pipe); Codex 0.169 then falls back to 1457.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>bind() failed with EADDRINUSE.</source>
        <translation>bind() failed with EADDRINUSE.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Port 1455 was busy, so Codex used its fallback port 1457 for the browser&apos;s return.</source>
        <translation>Port 1455 was busy, so Codex used its fallback port 1457 for the browser&apos;s return.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Login server fell back to FALLBACK_PORT 1457.</source>
        <translation>Login server fell back to FALLBACK_PORT 1457.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The browser&apos;s return reached a different sign-in window than the one that started it (another Codex, editor or a WSL copy is listening on the same port).</source>
        <translation>The browser&apos;s return reached a different sign-in window than the one that started it (another Codex, editor or a WSL copy is listening on the same port).</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The callback&apos;s state parameter did not match the waiting login server.</source>
        <translation>The callback&apos;s state parameter did not match the waiting login server.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Windows uses a proxy on its own 127.0.0.1, and WSL runs in NAT networking, where 127.0.0.1 is the Linux system itself: programs inside WSL, Codex included, cannot reach that proxy.</source>
        <translation>Windows uses a proxy on its own 127.0.0.1, and WSL runs in NAT networking, where 127.0.0.1 is the Linux system itself: programs inside WSL, Codex included, cannot reach that proxy.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>wsl.exe&apos;s warning: autoProxy found a localhost proxy and did not pass it on, because NAT mode cannot reach Windows&apos; loopback (field-failure-modes-2026 §1.14).</source>
        <translation>wsl.exe&apos;s warning: autoProxy found a localhost proxy and did not pass it on, because NAT mode cannot reach Windows&apos; loopback (field-failure-modes-2026 §1.14).</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The editor starts Codex inside WSL (Linux on Windows). The sign-in&apos;s return then reaches the wrong side, and the sign-in fails even though the network is fine.</source>
        <translation>The editor starts Codex inside WSL (Linux on Windows). The sign-in&apos;s return then reaches the wrong side, and the sign-in fails even though the network is fine.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The openai.chatgpt extension runs codex app-server via wsl.exe (chatgpt.runCodexInWindowsSubsystemForLinux).</source>
        <translation>The openai.chatgpt extension runs codex app-server via wsl.exe (chatgpt.runCodexInWindowsSubsystemForLinux).</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The editor looked for a WSL (Linux on Windows) system to run Codex in.</source>
        <translation>The editor looked for a WSL (Linux on Windows) system to run Codex in.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The extension enumerated WSL distributions before starting codex app-server.</source>
        <translation>The extension enumerated WSL distributions before starting codex app-server.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The browser&apos;s return never reached Codex before it gave up waiting.</source>
        <translation>The browser&apos;s return never reached Codex before it gave up waiting.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>No request on /auth/callback before the timeout.</source>
        <translation>No request on /auth/callback before the timeout.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The sign-in window closed before the browser&apos;s return reached Codex (cancelled, or the return went to another place).</source>
        <translation>The sign-in window closed before the browser&apos;s return reached Codex (cancelled, or the return went to another place).</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The login server shut down without a completed callback.</source>
        <translation>The login server shut down without a completed callback.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The sign-in was cancelled, often because a newer sign-in attempt replaced it.</source>
        <translation>The sign-in was cancelled, often because a newer sign-in attempt replaced it.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The login server received /cancel.</source>
        <translation>The login server received /cancel.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The sign-in stopped at OpenAI&apos;s phone verification page: your account has to confirm a phone number before it can sign in to Codex.</source>
        <translation>The sign-in stopped at OpenAI&apos;s phone verification page: your account has to confirm a phone number before it can sign in to Codex.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The authorize (or device code) flow redirected to https://auth.openai.com/add-phone (openai/codex #25670, #25828).</source>
        <translation>The authorize (or device code) flow redirected to https://auth.openai.com/add-phone (openai/codex #25670, #25828).</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>OpenAI&apos;s phone verification page refused your phone number or could not send it a code, so the sign-in cannot go on.</source>
        <translation>OpenAI&apos;s phone verification page refused your phone number or could not send it a code, so the sign-in cannot go on.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>add-phone page texts (openai/codex #25828, #27737).</source>
        <translation>add-phone page texts (openai/codex #25828, #27737).</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Your ChatGPT workspace has sign-in to Codex switched off. Only a workspace admin can turn it on.</source>
        <translation>Your ChatGPT workspace has sign-in to Codex switched off. Only a workspace admin can turn it on.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>auth.openai.com error page: An error occurred during authentication (codex_cli_workspace_disabled) (openai/codex #17833).</source>
        <translation>auth.openai.com error page: An error occurred during authentication (codex_cli_workspace_disabled) (openai/codex #17833).</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The browser&apos;s sign-in no longer matched the one it started (an old tab, a second sign-in at the same time, or the Back button). Start the sign-in again from Codex.</source>
        <translation>The browser&apos;s sign-in no longer matched the one it started (an old tab, a second sign-in at the same time, or the Back button). Start the sign-in again from Codex.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>auth.openai.com error page: An error occurred during authentication (invalid_state) (openai/codex #21280, #20922).</source>
        <translation>auth.openai.com error page: An error occurred during authentication (invalid_state) (openai/codex #21280, #20922).</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>OpenAI&apos;s sign-in page showed an error of its own. It names no cause on this computer, so it is most likely about the account or the sign-in session.</source>
        <translation>OpenAI&apos;s sign-in page showed an error of its own. It names no cause on this computer, so it is most likely about the account or the sign-in session.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>auth.openai.com error page with an error code, e.g. unknown_error or empty_string (NadirRouter/NadirClaw#10, diegosouzapw/OmniRoute#1330).</source>
        <translation>auth.openai.com error page with an error code, e.g. unknown_error or empty_string (NadirRouter/NadirClaw#10, diegosouzapw/OmniRoute#1330).</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Codex&apos;s saved sign-in was already renewed by another program (another Codex app or a tool that shares the Codex sign-in), so Codex has to sign in again.</source>
        <translation>Codex&apos;s saved sign-in was already renewed by another program (another Codex app or a tool that shares the Codex sign-in), so Codex has to sign in again.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The single-use refresh token was used twice: 400 refresh_token_reused (openai/codex #6498, #9634, #24365, #36525; PR #24830).</source>
        <translation>The single-use refresh token was used twice: 400 refresh_token_reused (openai/codex #6498, #9634, #24365, #36525; PR #24830).</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The sign-in went through, but then Codex could not find out which ChatGPT workspace to use, so it shows an error, a blank screen or the sign-in again.</source>
        <translation>The sign-in went through, but then Codex could not find out which ChatGPT workspace to use, so it shows an error, a blank screen or the sign-in again.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>account/read: workspace routing discovery against chatgpt.com/backend-api/wham/accounts/check failed (strings of Codex 0.169.0; openai/codex #46382, #47034, #47374).</source>
        <translation>account/read: workspace routing discovery against chatgpt.com/backend-api/wham/accounts/check failed (strings of Codex 0.169.0; openai/codex #46382, #47034, #47374).</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The sign-in went through, but then Codex ran out of time asking chatgpt.com which workspace to use. chatgpt.com answers too slowly from here, for example because one of its addresses does not answer.</source>
        <translation>The sign-in went through, but then Codex ran out of time asking chatgpt.com which workspace to use. chatgpt.com answers too slowly from here, for example because one of its addresses does not answer.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>account/read: workspace routing discovery timed out (a string of Codex 0.169.0; openai/codex #41044: one silent chatgpt.com address, about 10 s to fall back).</source>
        <translation>account/read: workspace routing discovery timed out (a string of Codex 0.169.0; openai/codex #41044: one silent chatgpt.com address, about 10 s to fall back).</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The sign-in went through, but OpenAI&apos;s server answered the Codex app that it cannot tell which workspace to use right now (HTTP 432). This is on OpenAI&apos;s side or in that app version.</source>
        <translation>The sign-in went through, but OpenAI&apos;s server answered the Codex app that it cannot tell which workspace to use right now (HTTP 432). This is on OpenAI&apos;s side or in that app version.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Desktop log: sa_server_request_failed errorMessage=&quot;Workspace routing is unavailable&quot; status=432 on /wham/profiles/me, /accounts/verified_access, /settings/user (openai/codex #46786, #46812).</source>
        <translation>Desktop log: sa_server_request_failed errorMessage=&quot;Workspace routing is unavailable&quot; status=432 on /wham/profiles/me, /accounts/verified_access, /settings/user (openai/codex #46786, #46812).</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The app could not load what it needs from chatgpt.com before it can sign you in.</source>
        <translation>The app could not load what it needs from chatgpt.com before it can sign you in.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>ChatGPT Desktop shows it with only a Retry button (openai/codex #46613).</source>
        <translation>ChatGPT Desktop shows it with only a Retry button (openai/codex #46613).</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The Codex app cannot save its own state file (.codex-global-state.json in your .codex folder): Windows refuses to put the new copy in place (EXDEV). What the app changes there is lost when it restarts.</source>
        <translation>The Codex app cannot save its own state file (.codex-global-state.json in your .codex folder): Windows refuses to put the new copy in place (EXDEV). What the app changes there is lost when it restarts.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Desktop log: [global-state] Failed to persist global state errorCode=EXDEV, across several starts of app 26.915.4065.0 and beside the 432 answers (openai/codex#46786). EXDEV is Node.js&apos;s &quot;cross-device link not permitted&quot;: a rename the system sees as crossing drives.</source>
        <translation>Desktop log: [global-state] Failed to persist global state errorCode=EXDEV, across several starts of app 26.915.4065.0 and beside the 432 answers (openai/codex#46786). EXDEV is Node.js&apos;s &quot;cross-device link not permitted&quot;: a rename the system sees as crossing drives.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The Codex app has lost its sign-in: it sends its requests to chatgpt.com without it, so it shows the sign-in screen (or &quot;token revoked&quot;) again, even while &quot;codex login status&quot; says you are signed in.</source>
        <translation>The Codex app has lost its sign-in: it sends its requests to chatgpt.com without it, so it shows the sign-in screen (or &quot;token revoked&quot;) again, even while &quot;codex login status&quot; says you are signed in.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Desktop log: auth_status_result hasToken=false nullReason=auth_token_missing, then desktop_fetch_auth_401 hadToken=false skipRetryReason=no_token_attached; chatgpt.com answers &quot;Unauthorized - Access token is missing&quot; (openai/codex#39491, #39850, #40699, #44578).</source>
        <translation>Desktop log: auth_status_result hasToken=false nullReason=auth_token_missing, then desktop_fetch_auth_401 hadToken=false skipRetryReason=no_token_attached; chatgpt.com answers &quot;Unauthorized - Access token is missing&quot; (openai/codex#39491, #39850, #40699, #44578).</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>chatgpt.com refused a request of the Codex app as not signed in (HTTP 401). In the reported cases the app lost its sign-in right after.</source>
        <translation>chatgpt.com refused a request of the Codex app as not signed in (HTTP 401). In the reported cases the app lost its sign-in right after.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Desktop log: desktop_fetch_auth_401 hadToken=true tokenSource=cached willRetry=true, or sa_server_request_failed status=401 (openai/codex#30775, #39850, #44578).</source>
        <translation>Desktop log: desktop_fetch_auth_401 hadToken=true tokenSource=cached willRetry=true, or sa_server_request_failed status=401 (openai/codex#30775, #39850, #44578).</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Your ChatGPT workspace does not include Codex. Ask your workspace administrator for access.</source>
        <translation>Your ChatGPT workspace does not include Codex. Ask your workspace administrator for access.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>access_denied + missing_codex_entitlement from the authorize step.</source>
        <translation>access_denied + missing_codex_entitlement from the authorize step.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Codex is set to allow only a certain workspace, and you signed in with another one.</source>
        <translation>Codex is set to allow only a certain workspace, and you signed in with another one.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>forced_chatgpt_workspace_id in config.toml does not match the chosen workspace.</source>
        <translation>forced_chatgpt_workspace_id in config.toml does not match the chosen workspace.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Codex is configured to allow only one kind of sign-in, and this one is switched off.</source>
        <translation>Codex is configured to allow only one kind of sign-in, and this one is switched off.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>forced_login_method in config.toml.</source>
        <translation>forced_login_method in config.toml.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The sign-in page itself returned an error (for example access denied) instead of a sign-in code.</source>
        <translation>The sign-in page itself returned an error (for example access denied) instead of a sign-in code.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The callback carried an OAuth error parameter.</source>
        <translation>The callback carried an OAuth error parameter.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The browser came back without a sign-in code. Start the sign-in again from Codex.</source>
        <translation>The browser came back without a sign-in code. Start the sign-in again from Codex.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Callback request without a code parameter.</source>
        <translation>Callback request without a code parameter.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Sign-in worked, but Codex could not save it on this computer (the folder or keyring is not writable).</source>
        <translation>Sign-in worked, but Codex could not save it on this computer (the folder or keyring is not writable).</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Writing auth.json or the keyring entry failed.</source>
        <translation>Writing auth.json or the keyring entry failed.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Codex could not use the system keyring for your sign-in and used a file in its folder instead.</source>
        <translation>Codex could not use the system keyring for your sign-in and used a file in its folder instead.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The keyring store failed; Codex fell back to auth.json.</source>
        <translation>The keyring store failed; Codex fell back to auth.json.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Sign-in with a device code is switched off for this account or workspace. Turn it on in ChatGPT Settings &gt; Security, or ask your workspace admin.</source>
        <translation>Sign-in with a device code is switched off for this account or workspace. Turn it on in ChatGPT Settings &gt; Security, or ask your workspace admin.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>POST /api/accounts/deviceauth/usercode answered 404.</source>
        <translation>POST /api/accounts/deviceauth/usercode answered 404.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The sign-in server did not start a sign-in with a device code (it answered with an error).</source>
        <translation>The sign-in server did not start a sign-in with a device code (it answered with an error).</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>POST /api/accounts/deviceauth/usercode answered a non-success status.</source>
        <translation>POST /api/accounts/deviceauth/usercode answered a non-success status.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The device-code sign-in was not finished in the browser in time (15 minutes). Start it again.</source>
        <translation>The device-code sign-in was not finished in the browser in time (15 minutes). Start it again.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Polling /api/accounts/deviceauth/token ended without approval.</source>
        <translation>Polling /api/accounts/deviceauth/token ended without approval.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The last sign-in failed while sending the code to the sign-in server.</source>
        <translation>The last sign-in failed while sending the code to the sign-in server.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>POST /oauth/token failed (the detail, when shown, says how).</source>
        <translation>POST /oauth/token failed (the detail, when shown, says how).</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The last sign-in failed on the sign-in page itself, before Codex got a sign-in code.</source>
        <translation>The last sign-in failed on the sign-in page itself, before Codex got a sign-in code.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The last sign-in failed: the browser&apos;s return never reached Codex.</source>
        <translation>The last sign-in failed: the browser&apos;s return never reached Codex.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The last sign-in failed because Codex could not receive the browser&apos;s return on this computer.</source>
        <translation>The last sign-in failed because Codex could not receive the browser&apos;s return on this computer.</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The last sign-in worked, but Codex could not save it on this computer.</source>
        <translation>The last sign-in worked, but Codex could not save it on this computer.</translation>
    </message>
    <message>
        <source>chatgpt.com refused a request of the Codex app as not signed in (HTTP 401). The app then renews its sign-in; when that fails too, it loses the sign-in.</source>
        <translation type="vanished">chatgpt.com refused a request of the Codex app as not signed in (HTTP 401). The app then renews its sign-in; when that fails too, it loses the sign-in.</translation>
    </message>
    <message>
        <source>wsl.exe&apos;s warning: autoProxy found a localhost proxy and did not pass it on, because NAT mode cannot reach Windows&apos; loopback (microsoft/WSL#12245; field-failure-modes-2026 §1.14).</source>
        <translation type="vanished">wsl.exe&apos;s warning: autoProxy found a localhost proxy and did not pass it on, because NAT mode cannot reach Windows&apos; loopback (microsoft/WSL#12245; field-failure-modes-2026 §1.14).</translation>
    </message>
    <message>
        <source>A certificate setting points at a file that holds no certificates, so Codex stops before it even tries to sign in.</source>
        <translation type="vanished">A certificate setting points at a file that holds no certificates, so Codex stops before it even tries to sign in.</translation>
    </message>
    <message>
        <source>A certificate setting points at a file Codex cannot read, so Codex stops before it even tries to sign in.</source>
        <translation type="vanished">A certificate setting points at a file Codex cannot read, so Codex stops before it even tries to sign in.</translation>
    </message>
    <message>
        <source>Another sign-in was still waiting on the sign-in port and Codex could not stop it, so this sign-in cannot wait for the browser&apos;s return.</source>
        <translation type="vanished">Another sign-in was still waiting on the sign-in port and Codex could not stop it, so this sign-in cannot wait for the browser&apos;s return.</translation>
    </message>
    <message>
        <source>The login server could not bind its port and its /cancel request to the previous server failed.</source>
        <translation type="vanished">The login server could not bind its port and its /cancel request to the previous server failed.</translation>
    </message>
    <message>
        <source>Codex could not connect to the sign-in server to send the sign-in code: a proxy, firewall, VPN or DNS problem.</source>
        <translation type="vanished">Codex could not connect to the sign-in server to send the sign-in code: a proxy, firewall, VPN or DNS problem.</translation>
    </message>
    <message>
        <source>reqwest transport error with is_connect=true (codex-login.log).</source>
        <translation type="vanished">reqwest transport error with is_connect=true (codex-login.log).</translation>
    </message>
</context>
<context>
    <name>desktop_wsl_off</name>
    <message>
        <location filename="../../wizard/fixes/desktop_wsl_off.py"/>
        <source>The Codex app is not set to run inside WSL.</source>
        <translation>The Codex app is not set to run inside WSL.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/desktop_wsl_off.py"/>
        <source>The Codex app&apos;s settings file was not found on this computer.</source>
        <translation>The Codex app&apos;s settings file was not found on this computer.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/desktop_wsl_off.py"/>
        <source>Run the Codex app on Windows instead of WSL</source>
        <translation>Run the Codex app on Windows instead of WSL</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/desktop_wsl_off.py"/>
        <source>Sets the Codex app&apos;s agent environment and terminal back to Windows when they are set to WSL.</source>
        <translation>Sets the Codex app&apos;s agent environment and terminal back to Windows when they are set to WSL.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/desktop_wsl_off.py"/>
        <source>The Codex app&apos;s settings file {file} was not changed: {problem}.</source>
        <translation>The Codex app&apos;s settings file {file} was not changed: {problem}.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/desktop_wsl_off.py"/>
        <source>The Codex app is open ({programs}). It rewrites its settings when it closes, so the change would be lost. Quit the Codex app (also from the notification area), then try again.</source>
        <translation>The Codex app is open ({programs}). It rewrites its settings when it closes, so the change would be lost. Quit the Codex app (also from the notification area), then try again.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/desktop_wsl_off.py"/>
        <source>Sets {wsl_key} to false and, if it is WSL, {shell_key} to {shell} in {file}, so the Codex app runs on Windows itself, where the browser returns after you sign in. Everything else in the file stays as it is; Undo puts the original back.</source>
        <translation>Sets {wsl_key} to false and, if it is WSL, {shell_key} to {shell} in {file}, so the Codex app runs on Windows itself, where the browser returns after you sign in. Everything else in the file stays as it is; Undo puts the original back.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/desktop_wsl_off.py"/>
        <source>Apply sets the Codex app back to run on Windows instead of WSL (a copy of its settings is kept for Undo).</source>
        <translation>Apply sets the Codex app back to run on Windows instead of WSL (a copy of its settings is kept for Undo).</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/desktop_wsl_off.py"/>
        <source>Open the Codex app again and sign in. If it still waits, restart the computer once so WSL is shut down.</source>
        <translation>Open the Codex app again and sign in. If it still waits, restart the computer once so WSL is shut down.</translation>
    </message>
</context>
<context>
    <name>endpoints</name>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>Not tested: the secure connection failed first.</source>
        <translation>Not tested: the secure connection failed first.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>a web page instead of the sign-in server&apos;s data</source>
        <translation>a web page instead of the sign-in server&apos;s data</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>an unexpected answer (HTTP {status}) instead of the sign-in server&apos;s data</source>
        <translation>an unexpected answer (HTTP {status}) instead of the sign-in server&apos;s data</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>Something else answered instead of the sign-in server.</source>
        <translation>Something else answered instead of the sign-in server.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>The sign-in server answers.</source>
        <translation>The sign-in server answers.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>The sign-in server answered, but not as expected ({detail}).</source>
        <translation>The sign-in server answered, but not as expected ({detail}).</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>The sign-in server refuses this connection&apos;s country or region.</source>
        <translation>The sign-in server refuses this connection&apos;s country or region.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>country, region, or territory not supported</source>
        <translation>country, region, or territory not supported</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>{what} instead of the sign-in server&apos;s answer</source>
        <translation>{what} instead of the sign-in server&apos;s answer</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>Something else answered instead of the sign-in server: {what}.</source>
        <translation>Something else answered instead of the sign-in server: {what}.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>The sign-in server accepted a test code (HTTP {status}), which it should not.</source>
        <translation>The sign-in server accepted a test code (HTTP {status}), which it should not.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>The sign-in server answered as expected (it refused a test code), so the whole path to it works.</source>
        <translation>The sign-in server answered as expected (it refused a test code), so the whole path to it works.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>Codex does not trust the secure connection to {host}, so the sign-in server could not be asked.</source>
        <translation>Codex does not trust the secure connection to {host}, so the sign-in server could not be asked.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>The proxy {proxy} wants a user name and password.</source>
        <translation>The proxy {proxy} wants a user name and password.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>the proxy {proxy} refused the connection (HTTP {status})</source>
        <translation>the proxy {proxy} refused the connection (HTTP {status})</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>the proxy {proxy} refused the connection</source>
        <translation>the proxy {proxy} refused the connection</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>The proxy {proxy} refuses to connect to {host}.</source>
        <translation>The proxy {proxy} refuses to connect to {host}.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>The proxy {proxy} does not answer.</source>
        <translation>The proxy {proxy} does not answer.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>The sign-in server does not answer ({detail}).</source>
        <translation>The sign-in server does not answer ({detail}).</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>The request could not be sent: {detail}.</source>
        <translation>The request could not be sent: {detail}.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>a redirect to {where} (HTTP {status})</source>
        <translation>a redirect to {where} (HTTP {status})</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>a web page &quot;{title}&quot; (HTTP {status})</source>
        <translation>a web page &quot;{title}&quot; (HTTP {status})</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>a web page (HTTP {status})</source>
        <translation>a web page (HTTP {status})</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>an unexpected answer (HTTP {status})</source>
        <translation>an unexpected answer (HTTP {status})</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>The sign-in server has a problem of its own ({detail}).</source>
        <translation>The sign-in server has a problem of its own ({detail}).</translation>
    </message>
</context>
<context>
    <name>engine</name>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <location filename="../../wizard/checks/tls.py"/>
        <location filename="../../wizard/core/engine.py"/>
        <source>Cancelled.</source>
        <translation>Cancelled.</translation>
    </message>
    <message>
        <location filename="../../wizard/core/engine.py"/>
        <source>Not run: the diagnosis ran out of time.</source>
        <translation>Not run: the diagnosis ran out of time.</translation>
    </message>
    <message>
        <location filename="../../wizard/core/engine.py"/>
        <source>Did not finish within its time budget ({seconds:.1f} s).</source>
        <translation>Did not finish within its time budget ({seconds:.1f} s).</translation>
    </message>
    <message>
        <location filename="../../wizard/core/engine.py"/>
        <source>The check itself failed: {kind}: {error}</source>
        <translation>The check itself failed: {kind}: {error}</translation>
    </message>
</context>
<context>
    <name>env_places</name>
    <message>
        <location filename="../../wizard/fixes/env_places.py"/>
        <source>{file} (line {line})</source>
        <translation>{file} (line {line})</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/env_places.py"/>
        <source>{file} cannot be read ({error})</source>
        <translation>{file} cannot be read ({error})</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/env_places.py"/>
        <source>{name} in {places}</source>
        <translation>{name} in {places}</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/env_places.py"/>
        <source>the system-wide variables (an administrator can change them)</source>
        <translation>the system-wide variables (an administrator can change them)</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/env_places.py"/>
        <source>a system-wide file such as /etc/environment, or the program that started this one</source>
        <translation>a system-wide file such as /etc/environment, or the program that started this one</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/env_places.py"/>
        <source>{names} is set for this program, but not in any place Sign-in Doctor can change: it may come from {system}, or only from this terminal (then a new one will not have it).</source>
        <translation>{names} is set for this program, but not in any place Sign-in Doctor can change: it may come from {system}, or only from this terminal (then a new one will not have it).</translation>
    </message>
</context>
<context>
    <name>env_store</name>
    <message>
        <location filename="../../wizard/platform/env_store.py"/>
        <source>launchctl (apps started from the Dock and Finder)</source>
        <translation>launchctl (apps started from the Dock and Finder)</translation>
    </message>
    <message>
        <location filename="../../wizard/platform/env_store.py"/>
        <source>HKCU\Environment (your Windows user variables)</source>
        <translation>HKCU\Environment (your Windows user variables)</translation>
    </message>
</context>
<context>
    <name>fix_cli</name>
    <message>
        <location filename="../../wizard/app/fix_command.py"/>
        <source>Undo the last fix?</source>
        <translation>Undo the last fix?</translation>
    </message>
    <message>
        <location filename="../../wizard/app/fix_command.py"/>
        <source>Not undone.</source>
        <translation>Not undone.</translation>
    </message>
    <message>
        <location filename="../../wizard/app/fix_command.py"/>
        <source>Undo failed: {error}</source>
        <translation>Undo failed: {error}</translation>
    </message>
    <message>
        <location filename="../../wizard/app/fix_command.py"/>
        <source>Looking at the current state ...</source>
        <translation>Looking at the current state ...</translation>
    </message>
    <message>
        <location filename="../../wizard/app/fix_command.py"/>
        <source>Dry run: nothing was changed.</source>
        <translation>Dry run: nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../wizard/app/fix_command.py"/>
        <source>These are steps for you to follow; nothing was changed.</source>
        <translation>These are steps for you to follow; nothing was changed.</translation>
    </message>
    <message>
        <location filename="../../wizard/app/fix_command.py"/>
        <source>Nothing to change.</source>
        <translation>Nothing to change.</translation>
    </message>
    <message>
        <location filename="../../wizard/app/fix_command.py"/>
        <source>Apply these changes?</source>
        <translation>Apply these changes?</translation>
    </message>
    <message>
        <location filename="../../wizard/app/fix_command.py"/>
        <source>Not applied (no consent). Add --yes to apply.</source>
        <translation>Not applied (no consent). Add --yes to apply.</translation>
    </message>
</context>
<context>
    <name>fixes</name>
    <message>
        <location filename="../../wizard/fixes/env_places.py"/>
        <source>Fully quit and restart your editor (and terminals), then sign in again: they read variables only when they start.</source>
        <translation>Fully quit and restart your editor (and terminals), then sign in again: they read variables only when they start.</translation>
    </message>
    <message>
        <source>Fully quit and restart your editor (and terminals): they read variables only when they start.</source>
        <translation type="vanished">Fully quit and restart your editor (and terminals): they read variables only when they start.</translation>
    </message>
</context>
<context>
    <name>fixing</name>
    <message>
        <location filename="../../wizard/ui/app.py"/>
        <source>and choose it with the button below.</source>
        <translation>and choose it with the button below.</translation>
    </message>
</context>
<context>
    <name>guidance</name>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Get help with your OpenAI account</source>
        <translation>Get help with your OpenAI account</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>A check on your account (such as a phone verification) stops the sign-in. Only OpenAI can change that.</source>
        <translation>A check on your account (such as a phone verification) stops the sign-in. Only OpenAI can change that.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Sign out of chatgpt.com in your browser, then start the sign-in again from Codex (some people report that this helps; it is not confirmed by OpenAI).</source>
        <translation>Sign out of chatgpt.com in your browser, then start the sign-in again from Codex (some people report that this helps; it is not confirmed by OpenAI).</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>If it still stops, open https://help.openai.com/ and contact support with the exact text of the page and the time it happened.</source>
        <translation>If it still stops, open https://help.openai.com/ and contact support with the exact text of the page and the time it happened.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Ask your workspace admin</source>
        <translation>Ask your workspace admin</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Your ChatGPT workspace or your organisation decides how you may sign in to Codex.</source>
        <translation>Your ChatGPT workspace or your organisation decides how you may sign in to Codex.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Tell your workspace admin the exact message you saw and ask them to allow Codex sign-in for you (workspace settings and permissions on chatgpt.com).</source>
        <translation>Tell your workspace admin the exact message you saw and ask them to allow Codex sign-in for you (workspace settings and permissions on chatgpt.com).</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Or sign in with the workspace or account your organisation allows for Codex.</source>
        <translation>Or sign in with the workspace or account your organisation allows for Codex.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Ask your IT administrator</source>
        <translation>Ask your IT administrator</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Settings your organisation put on this computer decide how you may sign in to Codex. Sign-in Doctor does not change them.</source>
        <translation>Settings your organisation put on this computer decide how you may sign in to Codex. Sign-in Doctor does not change them.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Sign in the way the settings allow: the methods and workspaces are named above.</source>
        <translation>Sign in the way the settings allow: the methods and workspaces are named above.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Or ask your IT administrator to allow signing in with ChatGPT; tell them the file or profile named above.</source>
        <translation>Or ask your IT administrator to allow signing in with ChatGPT; tell them the file or profile named above.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Start a fresh sign-in</source>
        <translation>Start a fresh sign-in</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>An old or doubled sign-in in the browser no longer matches Codex&apos;s.</source>
        <translation>An old or doubled sign-in in the browser no longer matches Codex&apos;s.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Close every browser tab of auth.openai.com and chatgpt.com sign-in.</source>
        <translation>Close every browser tab of auth.openai.com and chatgpt.com sign-in.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Start one sign-in from Codex and finish it in the tab it opens.</source>
        <translation>Start one sign-in from Codex and finish it in the tab it opens.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Do not use the Back button or an older link during the sign-in.</source>
        <translation>Do not use the Back button or an older link during the sign-in.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Let only one program renew the sign-in, then sign in again</source>
        <translation>Let only one program renew the sign-in, then sign in again</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Several programs that renew the same saved sign-in use it up for each other.</source>
        <translation>Several programs that renew the same saved sign-in use it up for each other.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Quit the other programs that use your Codex sign-in: other Codex apps, account switchers and local proxy tools.</source>
        <translation>Quit the other programs that use your Codex sign-in: other Codex apps, account switchers and local proxy tools.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Then run the command below once, in a terminal.</source>
        <translation>Then run the command below once, in a terminal.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Stop the program that rewrites your sign-in</source>
        <translation>Stop the program that rewrites your sign-in</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Account switchers and local proxy tools (CC Switch, Cockpit Tools, Codex Switcher, CLIProxyAPI, codex-auth) swap or renew Codex&apos;s saved sign-in and rewrite its settings.</source>
        <translation>Account switchers and local proxy tools (CC Switch, Cockpit Tools, Codex Switcher, CLIProxyAPI, codex-auth) swap or renew Codex&apos;s saved sign-in and rewrite its settings.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>In that program, turn off its proxy takeover or switch back to the official OpenAI sign-in, so it puts Codex&apos;s settings back.</source>
        <translation>In that program, turn off its proxy takeover or switch back to the official OpenAI sign-in, so it puts Codex&apos;s settings back.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Quit it, also from the tray or the menu bar, and stop it from starting with your computer. If it keeps coming back, uninstall it.</source>
        <translation>Quit it, also from the tray or the menu bar, and stop it from starting with your computer. If it keeps coming back, uninstall it.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Run this diagnosis again: it should no longer find the program or its settings.</source>
        <translation>Run this diagnosis again: it should no longer find the program or its settings.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Then sign in once, with the command below in a terminal.</source>
        <translation>Then sign in once, with the command below in a terminal.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>These steps are for Windows only.</source>
        <translation>These steps are for Windows only.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Careful: signing in with this command first signs you out of Codex on this computer (the app, the editor and the terminal share one sign-in). If the new sign-in does not finish, you stay signed out.</source>
        <translation>Careful: signing in with this command first signs you out of Codex on this computer (the app, the editor and the terminal share one sign-in). If the new sign-in does not finish, you stay signed out.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Sign in with a device code instead</source>
        <translation>Sign in with a device code instead</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>A device code sign-in needs no local port and no browser redirect: you type a short code on a web page instead. It still needs the connection to the sign-in server.</source>
        <translation>A device code sign-in needs no local port and no browser redirect: you type a short code on a web page instead. It still needs the connection to the sign-in server.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>If you use a ChatGPT workspace, an admin may first have to allow device code sign-in (ChatGPT Settings &gt; Security, or the workspace permissions).</source>
        <translation>If you use a ChatGPT workspace, an admin may first have to allow device code sign-in (ChatGPT Settings &gt; Security, or the workspace permissions).</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Open a terminal and run the command under Details.</source>
        <translation>Open a terminal and run the command under Details.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Open {device_url} in any browser, sign in and type the code the terminal shows (it expires after 15 minutes).</source>
        <translation>Open {device_url} in any browser, sign in and type the code the terminal shows (it expires after 15 minutes).</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Set the clock automatically</source>
        <translation>Set the clock automatically</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>A clock that is off by more than a few minutes breaks secure connections.</source>
        <translation>A clock that is off by more than a few minutes breaks secure connections.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Windows: Settings &gt; Time &amp; language &gt; Date &amp; time: turn on &apos;Set time automatically&apos;, then click &apos;Sync now&apos;.</source>
        <translation>Windows: Settings &gt; Time &amp; language &gt; Date &amp; time: turn on &apos;Set time automatically&apos;, then click &apos;Sync now&apos;.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>macOS: System Settings &gt; General &gt; Date &amp; Time: turn on &apos;Set time and date automatically&apos;.</source>
        <translation>macOS: System Settings &gt; General &gt; Date &amp; Time: turn on &apos;Set time and date automatically&apos;.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Linux: run the command under Details (it turns on network time).</source>
        <translation>Linux: run the command under Details (it turns on network time).</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Check OpenAI&apos;s status page</source>
        <translation>Check OpenAI&apos;s status page</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>If everything on this computer works, the problem may be on OpenAI&apos;s side.</source>
        <translation>If everything on this computer works, the problem may be on OpenAI&apos;s side.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Open {status_page} and look for problems with Login or Codex.</source>
        <translation>Open {status_page} and look for problems with Login or Codex.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>If there is one, wait until it is resolved and try again.</source>
        <translation>If there is one, wait until it is resolved and try again.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>If there is none, try another browser or the other Codex app (CLI or editor), and contact OpenAI support with the error code you saw.</source>
        <translation>If there is none, try another browser or the other Codex app (CLI or editor), and contact OpenAI support with the error code you saw.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Free the reserved ports (administrator)</source>
        <translation>Free the reserved ports (administrator)</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Windows reserved the sign-in ports for Hyper-V, WSL or Docker. Restarting the Windows NAT service usually releases them. This needs an administrator and briefly interrupts WSL and Docker networking.</source>
        <translation>Windows reserved the sign-in ports for Hyper-V, WSL or Docker. Restarting the Windows NAT service usually releases them. This needs an administrator and briefly interrupts WSL and Docker networking.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Open &apos;Terminal (Admin)&apos; or &apos;Command Prompt (Admin)&apos;.</source>
        <translation>Open &apos;Terminal (Admin)&apos; or &apos;Command Prompt (Admin)&apos;.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Run the first command under Details, sign in to Codex, then run the second command.</source>
        <translation>Run the first command under Details, sign in to Codex, then run the second command.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>If it happens again, an administrator can reserve the ports for Codex while WinNAT is stopped (third command) - this is reported to work but is not confirmed by OpenAI.</source>
        <translation>If it happens again, an administrator can reserve the ports for Codex while WinNAT is stopped (third command) - this is reported to work but is not confirmed by OpenAI.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Forward the sign-in port to the remote machine</source>
        <translation>Forward the sign-in port to the remote machine</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Codex runs on another machine (SSH, a dev container or Codespaces), so your browser&apos;s return must be passed on to it: forward port {port} from your own computer before signing in. A device code sign-in needs none of this.</source>
        <translation>Codex runs on another machine (SSH, a dev container or Codespaces), so your browser&apos;s return must be passed on to it: forward port {port} from your own computer before signing in. A device code sign-in needs none of this.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>SSH: on your own computer, connect with the command below (USER@HOST as you usually connect) and keep that window open while you sign in.</source>
        <translation>SSH: on your own computer, connect with the command below (USER@HOST as you usually connect) and keep that window open while you sign in.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>VS Code Remote, dev containers or Codespaces: open the Ports panel and forward port {port} to localhost:{port} on your computer.</source>
        <translation>VS Code Remote, dev containers or Codespaces: open the Ports panel and forward port {port} to localhost:{port} on your computer.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Then start the sign-in on the remote machine and open the link it shows in your browser. Starting a new sign-in signs you out of Codex first (every Codex app sharing this login), even if the new one then fails.</source>
        <translation>Then start the sign-in on the remote machine and open the link it shows in your browser. Starting a new sign-in signs you out of Codex first (every Codex app sharing this login), even if the new one then fails.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Let Codex save the sign-in where it can</source>
        <translation>Let Codex save the sign-in where it can</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Codex saves the sign-in in its folder or in the system keyring. When the keyring is missing, locked or stuck, a file in the Codex folder works instead; when the folder cannot be written, it must be made writable.</source>
        <translation>Codex saves the sign-in in its folder or in the system keyring. When the keyring is missing, locked or stuck, a file in the Codex folder works instead; when the folder cannot be written, it must be made writable.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Keyring: unlock it by signing in to your desktop session, or open config.toml in the Codex folder (~/.codex) and set the line below, then sign in again.</source>
        <translation>Keyring: unlock it by signing in to your desktop session, or open config.toml in the Codex folder (~/.codex) and set the line below, then sign in again.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Folder: make the Codex folder (~/.codex, or the one CODEX_HOME names) writable for your user, or point CODEX_HOME at a folder of your own.</source>
        <translation>Folder: make the Codex folder (~/.codex, or the one CODEX_HOME names) writable for your user, or point CODEX_HOME at a folder of your own.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>Let Windows update its root certificates (administrator)</source>
        <translation>Let Windows update its root certificates (administrator)</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>Windows is not allowed to download the root certificates it is missing, or cannot check a certificate&apos;s revocation. This is usually a company policy, so it needs your IT administrator&apos;s approval.</source>
        <translation>Windows is not allowed to download the root certificates it is missing, or cannot check a certificate&apos;s revocation. This is usually a company policy, so it needs your IT administrator&apos;s approval.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>Ask your IT administrator to set the policy &apos;Turn off Automatic Root Certificates Update&apos; to Disabled (first command under Details), or to install the missing root certificate on this computer.</source>
        <translation>Ask your IT administrator to set the policy &apos;Turn off Automatic Root Certificates Update&apos; to Disabled (first command under Details), or to install the missing root certificate on this computer.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>Then refresh Windows&apos; certificate cache as administrator (second command) and restart the computer: in the reported case the change worked only after a restart.</source>
        <translation>Then refresh Windows&apos; certificate cache as administrator (second command) and restart the computer: in the reported case the change worked only after a restart.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>Sign in to Codex again.</source>
        <translation>Sign in to Codex again.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>Give WSL a proxy address it can reach</source>
        <translation>Give WSL a proxy address it can reach</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>The proxy program listens on Windows&apos; own 127.0.0.1. Inside WSL that address is the Linux system itself, so WSL needs another way to reach the proxy.</source>
        <translation>The proxy program listens on Windows&apos; own 127.0.0.1. Inside WSL that address is the Linux system itself, so WSL needs another way to reach the proxy.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>In NAT networking (WSL&apos;s default): switch WSL to mirrored networking (the first line under Details, in the [wsl2] section of the .wslconfig file in your Windows user folder) and restart WSL from Windows (second command).</source>
        <translation>In NAT networking (WSL&apos;s default): switch WSL to mirrored networking (the first line under Details, in the [wsl2] section of the .wslconfig file in your Windows user folder) and restart WSL from Windows (second command).</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>Or point the proxy variable inside WSL at Windows&apos; address, which WSL shows as its gateway (third command), and allow connections from the local network in the proxy program.</source>
        <translation>Or point the proxy variable inside WSL at Windows&apos; address, which WSL shows as its gateway (third command), and allow connections from the local network in the proxy program.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>In mirrored networking 127.0.0.1 should reach Windows, but a known WSL problem sometimes stops it: update WSL from Windows (fourth command), restart it, or use Windows&apos; address as above.</source>
        <translation>In mirrored networking 127.0.0.1 should reach Windows, but a known WSL problem sometimes stops it: update WSL from Windows (fourth command), restart it, or use Windows&apos; address as above.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>Match WSL&apos;s packet size to the VPN</source>
        <translation>Match WSL&apos;s packet size to the VPN</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>A VPN on Windows carries smaller packets than WSL sends, so secure connections from WSL open and then stall. Lowering WSL&apos;s packet size (MTU) to the VPN&apos;s fixes that.</source>
        <translation>A VPN on Windows carries smaller packets than WSL sends, so secure connections from WSL open and then stall. Lowering WSL&apos;s packet size (MTU) to the VPN&apos;s fixes that.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>Inside WSL, run the command under Details. If the VPN&apos;s size in the check&apos;s details is smaller than 1350, use that number instead.</source>
        <translation>Inside WSL, run the command under Details. If the VPN&apos;s size in the check&apos;s details is smaller than 1350, use that number instead.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>Sign in again. The change lasts until WSL restarts; your IT department may know a lasting setting for your VPN.</source>
        <translation>Sign in again. The change lasts until WSL restarts; your IT department may know a lasting setting for your VPN.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>Or sign in while the VPN is off, if your network allows it.</source>
        <translation>Or sign in while the VPN is off, if your network allows it.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>Let WSL find names again</source>
        <translation>Let WSL find names again</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>Linux inside WSL asks the name server WSL wrote into /etc/resolv.conf, not Windows. When that server does not answer, WSL cannot find the sign-in server while Windows can.</source>
        <translation>Linux inside WSL asks the name server WSL wrote into /etc/resolv.conf, not Windows. When that server does not answer, WSL cannot find the sign-in server while Windows can.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>In Windows, restart WSL (first command under Details) and try again.</source>
        <translation>In Windows, restart WSL (first command under Details) and try again.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>If it keeps failing, turn on DNS tunneling (the second line, in the [wsl2] section of the .wslconfig file in your Windows user folder), restart WSL again and retry.</source>
        <translation>If it keeps failing, turn on DNS tunneling (the second line, in the [wsl2] section of the .wslconfig file in your Windows user folder), restart WSL again and retry.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>If your company&apos;s VPN needs its own name servers, your IT department can tell you which ones WSL should use.</source>
        <translation>If your company&apos;s VPN needs its own name servers, your IT department can tell you which ones WSL should use.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>Update the Codex app, then report what stays</source>
        <translation>Update the Codex app, then report what stays</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>The Codex app&apos;s own log shows an error with the app&apos;s own files that no setting of this computer is known to cause. It was reported after app updates (openai/codex#46786), and only OpenAI can change the app.</source>
        <translation>The Codex app&apos;s own log shows an error with the app&apos;s own files that no setting of this computer is known to cause. It was reported after app updates (openai/codex#46786), and only OpenAI can change the app.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>Update the Codex app: Microsoft Store &gt; Library &gt; Get updates (or the update button in the app), then close the app completely and start it again.</source>
        <translation>Update the Codex app: Microsoft Store &gt; Library &gt; Get updates (or the update button in the app), then close the app completely and start it again.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>If the error stays, report it at https://github.com/openai/codex/issues (the report #46786 describes it) with your app version and the log line under Details.</source>
        <translation>If the error stays, report it at https://github.com/openai/codex/issues (the report #46786 describes it) with your app version and the log line under Details.</translation>
    </message>
    <message>
        <source>Open https://auth.openai.com/codex/device in any browser, sign in and type the code the terminal shows (it expires after 15 minutes).</source>
        <translation type="vanished">Open https://auth.openai.com/codex/device in any browser, sign in and type the code the terminal shows (it expires after 15 minutes).</translation>
    </message>
    <message>
        <source>Open https://status.openai.com/ and look for problems with Login or Codex.</source>
        <translation type="vanished">Open https://status.openai.com/ and look for problems with Login or Codex.</translation>
    </message>
    <message>
        <source>Codex runs on another machine (SSH, a dev container or Codespaces), so your browser&apos;s return must be passed on to it: forward port 1455 from your own computer before signing in. A device code sign-in needs none of this.</source>
        <translation type="vanished">Codex runs on another machine (SSH, a dev container or Codespaces), so your browser&apos;s return must be passed on to it: forward port 1455 from your own computer before signing in. A device code sign-in needs none of this.</translation>
    </message>
    <message>
        <source>VS Code Remote, dev containers or Codespaces: open the Ports panel and forward port 1455 to localhost:1455 on your computer.</source>
        <translation type="vanished">VS Code Remote, dev containers or Codespaces: open the Ports panel and forward port 1455 to localhost:1455 on your computer.</translation>
    </message>
    <message>
        <source>Open a terminal and run the command below.</source>
        <translation type="vanished">Open a terminal and run the command below.</translation>
    </message>
    <message>
        <source>Linux: run the command below (it turns on network time).</source>
        <translation type="vanished">Linux: run the command below (it turns on network time).</translation>
    </message>
    <message>
        <source>Run the first command, sign in to Codex, then run the second command.</source>
        <translation type="vanished">Run the first command, sign in to Codex, then run the second command.</translation>
    </message>
</context>
<context>
    <name>http</name>
    <message>
        <location filename="../../wizard/net/http.py"/>
        <source>the proxy address cannot be used (a &apos;{scheme}&apos; proxy)</source>
        <translation>the proxy address cannot be used (a &apos;{scheme}&apos; proxy)</translation>
    </message>
    <message>
        <location filename="../../wizard/net/http.py"/>
        <source>no answer within the time limit</source>
        <translation>no answer within the time limit</translation>
    </message>
    <message>
        <location filename="../../wizard/net/http.py"/>
        <source>the proxy asks for a user name and password (HTTP 407)</source>
        <translation>the proxy asks for a user name and password (HTTP 407)</translation>
    </message>
    <message>
        <location filename="../../wizard/net/http.py"/>
        <source>the proxy refused the connection ({error})</source>
        <translation>the proxy refused the connection ({error})</translation>
    </message>
    <message>
        <location filename="../../wizard/net/http.py"/>
        <source>the proxy failed ({error})</source>
        <translation>the proxy failed ({error})</translation>
    </message>
    <message>
        <location filename="../../wizard/net/http.py"/>
        <source>the certificate is not trusted ({reason})</source>
        <translation>the certificate is not trusted ({reason})</translation>
    </message>
    <message>
        <location filename="../../wizard/net/http.py"/>
        <source>the connection failed ({error})</source>
        <translation>the connection failed ({error})</translation>
    </message>
    <message>
        <location filename="../../wizard/net/http.py"/>
        <source>the connection was closed without an answer</source>
        <translation>the connection was closed without an answer</translation>
    </message>
    <message>
        <location filename="../../wizard/net/http.py"/>
        <source>the connection broke ({error})</source>
        <translation>the connection broke ({error})</translation>
    </message>
</context>
<context>
    <name>ide</name>
    <message>
        <location filename="../../wizard/checks/ide.py"/>
        <source>No VS Code, Cursor, Windsurf or VSCodium settings found.</source>
        <translation>No VS Code, Cursor, Windsurf or VSCodium settings found.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ide.py"/>
        <source>{editors} runs Codex inside WSL (Linux on Windows), which breaks sign-in.</source>
        <translation>{editors} runs Codex inside WSL (Linux on Windows), which breaks sign-in.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ide.py"/>
        <source>{editors} run Codex inside WSL (Linux on Windows), which breaks sign-in.</source>
        <translation>{editors} run Codex inside WSL (Linux on Windows), which breaks sign-in.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ide.py"/>
        <source>{setting} is on in {editors}, but the extension only uses it on Windows.</source>
        <translation>{setting} is on in {editors}, but the extension only uses it on Windows.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ide.py"/>
        <source> (line {n})</source>
        <translation> (line {n})</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ide.py"/>
        <source> (and {count} more)</source>
        <translation> (and {count} more)</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ide.py"/>
        <source>; the other settings were checked</source>
        <translation>; the other settings were checked</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ide.py"/>
        <source>{editor}&apos;s settings file {file} cannot be read{where}{more}{rest}.</source>
        <translation>{editor}&apos;s settings file {file} cannot be read{where}{more}{rest}.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ide.py"/>
        <source>{editors} settings do not get in the way of sign-in.</source>
        <translation>{editors} settings do not get in the way of sign-in.</translation>
    </message>
</context>
<context>
    <name>ide_wsl_off</name>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <location filename="../../wizard/fixes/ide_wsl_off.py"/>
        <source>Stop running Codex inside WSL</source>
        <translation>Stop running Codex inside WSL</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ide_wsl_off.py"/>
        <source>None of your editors runs Codex inside WSL.</source>
        <translation>None of your editors runs Codex inside WSL.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ide_wsl_off.py"/>
        <source>Sign-in Doctor found the setting turned on in none of the editor settings files it can read, so it cannot turn it off for you: the editor that runs Codex inside WSL keeps it elsewhere (a profile, a workspace or a remote window). Turn it off by hand.</source>
        <translation>Sign-in Doctor found the setting turned on in none of the editor settings files it can read, so it cannot turn it off for you: the editor that runs Codex inside WSL keeps it elsewhere (a profile, a workspace or a remote window). Turn it off by hand.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ide_wsl_off.py"/>
        <source>{editor}&apos;s settings file {file} was not changed: {problem}. Correct it by hand (or in {editor}), then run this fix again.</source>
        <translation>{editor}&apos;s settings file {file} was not changed: {problem}. Correct it by hand (or in {editor}), then run this fix again.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ide_wsl_off.py"/>
        <source>Turns off &apos;Run Codex In Windows Subsystem For Linux&apos; in every editor where it is on.</source>
        <translation>Turns off &apos;Run Codex In Windows Subsystem For Linux&apos; in every editor where it is on.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ide_wsl_off.py"/>
        <source>Turns off &apos;Run Codex In Windows Subsystem For Linux&apos; ({key}) in {editors}, so the Codex extension runs on Windows itself and the browser&apos;s return after signing in reaches it.</source>
        <translation>Turns off &apos;Run Codex In Windows Subsystem For Linux&apos; ({key}) in {editors}, so the Codex extension runs on Windows itself and the browser&apos;s return after signing in reaches it.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ide_wsl_off.py"/>
        <source>Note: the extension only uses this setting on Windows, so on this computer turning it off tidies up but does not change how sign-in works.</source>
        <translation>Note: the extension only uses this setting on Windows, so on this computer turning it off tidies up but does not change how sign-in works.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ide_wsl_off.py"/>
        <source>Apply turns off &apos;Run Codex In Windows Subsystem For Linux&apos; in {editors}, so Codex runs on Windows, where the browser sends you back after signing in.</source>
        <translation>Apply turns off &apos;Run Codex In Windows Subsystem For Linux&apos; in {editors}, so Codex runs on Windows, where the browser sends you back after signing in.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ide_wsl_off.py"/>
        <source>too large to be a settings file</source>
        <translation>too large to be a settings file</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ide_wsl_off.py"/>
        <source>it has a mistake at line {line}, column {column} ({problem})</source>
        <translation>it has a mistake at line {line}, column {column} ({problem})</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ide_wsl_off.py"/>
        <source>it cannot be read ({error})</source>
        <translation>it cannot be read ({error})</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ide_wsl_off.py"/>
        <source>In {editor}: press {keys}, run &apos;Developer: Reload Window&apos; (or restart {editor}), then sign in again.</source>
        <translation>In {editor}: press {keys}, run &apos;Developer: Reload Window&apos; (or restart {editor}), then sign in again.</translation>
    </message>
</context>
<context>
    <name>jsonc_edit</name>
    <message>
        <location filename="../../wizard/fixes/jsonc_edit.py"/>
        <source>not UTF-8 text (byte {byte})</source>
        <translation>not UTF-8 text (byte {byte})</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/jsonc_edit.py"/>
        <source>the file does not hold a settings object ({ ... })</source>
        <translation>the file does not hold a settings object ({ ... })</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/jsonc_edit.py"/>
        <source>the edit would change more than that setting</source>
        <translation>the edit would change more than that setting</translation>
    </message>
</context>
<context>
    <name>login_policy</name>
    <message>
        <location filename="../../wizard/checks/login_policy.py"/>
        <source>ChatGPT</source>
        <translation>ChatGPT</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/login_policy.py"/>
        <source>API key</source>
        <translation>API key</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/login_policy.py"/>
        <source>the macOS configuration profile ({domain})</source>
        <translation>the macOS configuration profile ({domain})</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/login_policy.py"/>
        <source>not base64-encoded TOML text</source>
        <translation>not base64-encoded TOML text</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/login_policy.py"/>
        <source>unknown sign-in method {value}</source>
        <translation>unknown sign-in method {value}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/login_policy.py"/>
        <source>The settings in {where} leave no sign-in method Codex can use, so Codex stops with “authentication requirements do not permit any usable login method”.</source>
        <translation>The settings in {where} leave no sign-in method Codex can use, so Codex stops with “authentication requirements do not permit any usable login method”.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/login_policy.py"/>
        <source>{where} allows only {methods} sign-in, so signing in with ChatGPT stops with “ChatGPT login is disabled. Use API key login instead.”</source>
        <translation>{where} allows only {methods} sign-in, so signing in with ChatGPT stops with “ChatGPT login is disabled. Use API key login instead.”</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/login_policy.py"/>
        <source>No setting on this computer restricts how you sign in.</source>
        <translation>No setting on this computer restricts how you sign in.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/login_policy.py"/>
        <source>The settings on this computer allow signing in with ChatGPT.</source>
        <translation>The settings on this computer allow signing in with ChatGPT.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/login_policy.py"/>
        <source>{where} cannot be read ({detail}), and Codex does not start while it is broken.</source>
        <translation>{where} cannot be read ({detail}), and Codex does not start while it is broken.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/login_policy.py"/>
        <source>Signing in with ChatGPT is limited to the workspace(s) {ids} ({where}); with another workspace the sign-in page says “Login is restricted to workspace id(s) …”.</source>
        <translation>Signing in with ChatGPT is limited to the workspace(s) {ids} ({where}); with another workspace the sign-in page says “Login is restricted to workspace id(s) …”.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/login_policy.py"/>
        <source>Your organisation&apos;s settings from OpenAI were last saved here {age} ({file}); they can restrict sign-in too and are not shown here.</source>
        <translation>Your organisation&apos;s settings from OpenAI were last saved here {age} ({file}); they can restrict sign-in too and are not shown here.</translation>
    </message>
</context>
<context>
    <name>logs</name>
    <message>
        <location filename="../../wizard/checks/logs.py"/>
        <source>The last sign-in failed.</source>
        <translation>The last sign-in failed.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/logs.py"/>
        <source>cannot be read: {error}</source>
        <translation>cannot be read: {error}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/logs.py"/>
        <source>{file} {problem}</source>
        <translation>{file} {problem}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/logs.py"/>
        <source>The Codex sign-in logs could not be read.</source>
        <translation>The Codex sign-in logs could not be read.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/logs.py"/>
        <source>No Codex sign-in logs found.</source>
        <translation>No Codex sign-in logs found.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/logs.py"/>
        <source>The {editor} log shows it starts Codex inside WSL (Linux on Windows).</source>
        <translation>The {editor} log shows it starts Codex inside WSL (Linux on Windows).</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/logs.py"/>
        <source>The last sign-in in the Codex log worked.</source>
        <translation>The last sign-in in the Codex log worked.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/logs.py"/>
        <source>In the last sign-in the browser never came back to Codex: the Codex log shows no return from the sign-in page.</source>
        <translation>In the last sign-in the browser never came back to Codex: the Codex log shows no return from the sign-in page.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/logs.py"/>
        <source>Some Codex sign-in logs could not be read.</source>
        <translation>Some Codex sign-in logs could not be read.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/logs.py"/>
        <source>The Codex logs show no sign-in error.</source>
        <translation>The Codex logs show no sign-in error.</translation>
    </message>
</context>
<context>
    <name>managed_prefs</name>
    <message>
        <location filename="../../wizard/platform/managed_prefs.py"/>
        <source>{file} could not be read ({error}).</source>
        <translation>{file} could not be read ({error}).</translation>
    </message>
</context>
<context>
    <name>network</name>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>the lookup got no answer in time</source>
        <translation>the lookup got no answer in time</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>no address was returned</source>
        <translation>no address was returned</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>the name is not valid ({error})</source>
        <translation>the name is not valid ({error})</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>the name is not known</source>
        <translation>the name is not known</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>the name server did not answer</source>
        <translation>the name server did not answer</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>the name server failed</source>
        <translation>the name server failed</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>the lookup failed ({error})</source>
        <translation>the lookup failed ({error})</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>connected</source>
        <translation>connected</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>the connection was refused</source>
        <translation>the connection was refused</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>the connection was reset</source>
        <translation>the connection was reset</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>this computer has no route to that network</source>
        <translation>this computer has no route to that network</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>the host cannot be reached</source>
        <translation>the host cannot be reached</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>the connection failed ({error})</source>
        <translation>the connection failed ({error})</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>timed out after {seconds:.1f} s</source>
        <translation>timed out after {seconds:.1f} s</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>no address to connect to</source>
        <translation>no address to connect to</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>This computer is not connected to a network, so it cannot find {host}.</source>
        <translation>This computer is not connected to a network, so it cannot find {host}.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>This computer cannot find the address of {host} ({detail}).</source>
        <translation>This computer cannot find the address of {host} ({detail}).</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>{host} was found at {address}.</source>
        <translation>{host} was found at {address}.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>its name {name} cannot be looked up ({reason})</source>
        <translation>its name {name} cannot be looked up ({reason})</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>its address has no host name</source>
        <translation>its address has no host name</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>Your proxy {proxy} cannot be found: {detail}.</source>
        <translation>Your proxy {proxy} cannot be found: {detail}.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>Codex goes through the proxy {proxy}, which looks up {host} itself; the proxy was found at {address}.</source>
        <translation>Codex goes through the proxy {proxy}, which looks up {host} itself; the proxy was found at {address}.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>Not tested: the name could not be looked up.</source>
        <translation>Not tested: the name could not be looked up.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>the proxy {proxy}</source>
        <translation>the proxy {proxy}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>Connected to {where} ({address}) in {ms} ms.</source>
        <translation>Connected to {where} ({address}) in {ms} ms.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>Your proxy {proxy} cannot be reached: {detail}.</source>
        <translation>Your proxy {proxy} cannot be reached: {detail}.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>This computer cannot connect to {host} on port {port}: {detail}.</source>
        <translation>This computer cannot connect to {host} on port {port}: {detail}.</translation>
    </message>
</context>
<context>
    <name>os_trust</name>
    <message>
        <location filename="../../wizard/checks/os_trust.py"/>
        <source>Only relevant on Windows.</source>
        <translation>Only relevant on Windows.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/os_trust.py"/>
        <source>A Windows policy stops Windows from downloading missing root certificates, and the root that vouches for {host} ({root}) is not on this computer.</source>
        <translation>A Windows policy stops Windows from downloading missing root certificates, and the root that vouches for {host} ({root}) is not on this computer.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/os_trust.py"/>
        <source>The certificate {host} presents names no address where Windows can check that it was not revoked; Windows programs that insist on that check refuse it (CRYPT_E_NO_REVOCATION_CHECK).</source>
        <translation>The certificate {host} presents names no address where Windows can check that it was not revoked; Windows programs that insist on that check refuse it (CRYPT_E_NO_REVOCATION_CHECK).</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/os_trust.py"/>
        <source>A Windows policy stops Windows from downloading missing root certificates. The sign-in server is not affected, but other addresses Codex uses may be.</source>
        <translation>A Windows policy stops Windows from downloading missing root certificates. The sign-in server is not affected, but other addresses Codex uses may be.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/os_trust.py"/>
        <source>Could not read whether Windows downloads missing root certificates ({problem}).</source>
        <translation>Could not read whether Windows downloads missing root certificates ({problem}).</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/os_trust.py"/>
        <source>Windows downloads missing root certificates by itself.</source>
        <translation>Windows downloads missing root certificates by itself.</translation>
    </message>
    <message>
        <source>Windows is set not to download missing root certificates ({setting}), and the root that vouches for {host} ({root}) is not on this computer.</source>
        <translation type="vanished">Windows is set not to download missing root certificates ({setting}), and the root that vouches for {host} ({root}) is not on this computer.</translation>
    </message>
    <message>
        <source>Windows is set not to download missing root certificates ({setting}). The sign-in server is not affected, but other addresses Codex uses may be.</source>
        <translation type="vanished">Windows is set not to download missing root certificates ({setting}). The sign-in server is not affected, but other addresses Codex uses may be.</translation>
    </message>
</context>
<context>
    <name>os_verdict</name>
    <message>
        <location filename="../../wizard/checks/os_verdict.py"/>
        <source>no answer within {seconds:.1f} seconds</source>
        <translation>no answer within {seconds:.1f} seconds</translation>
    </message>
</context>
<context>
    <name>os_verifier</name>
    <message>
        <location filename="../../wizard/platform/os_verifier.py"/>
        <source>Windows&apos; own certificate check (CryptoAPI, through truststore)</source>
        <translation>Windows&apos; own certificate check (CryptoAPI, through truststore)</translation>
    </message>
    <message>
        <location filename="../../wizard/platform/os_verifier.py"/>
        <source>macOS&apos;s own certificate check (Security framework, through truststore)</source>
        <translation>macOS&apos;s own certificate check (Security framework, through truststore)</translation>
    </message>
    <message>
        <location filename="../../wizard/platform/os_verifier.py"/>
        <source>OpenSSL&apos;s default certificate paths (through truststore)</source>
        <translation>OpenSSL&apos;s default certificate paths (through truststore)</translation>
    </message>
</context>
<context>
    <name>pasted</name>
    <message>
        <location filename="../../wizard/checks/pasted_error.py"/>
        <source>No error message was pasted.</source>
        <translation>No error message was pasted.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/pasted_error.py"/>
        <source>Sign-in Doctor does not know the pasted message; the checks decide.</source>
        <translation>Sign-in Doctor does not know the pasted message; the checks decide.</translation>
    </message>
    <message>
        <location filename="../../wizard/core/pasted.py"/>
        <source>This is what your message points to too: it confirms the finding.</source>
        <translation>This is what your message points to too: it confirms the finding.</translation>
    </message>
    <message>
        <location filename="../../wizard/core/pasted.py"/>
        <source>Your message points to “{points}”. This computer shows that too, but “{found}” has to be fixed first.</source>
        <translation>Your message points to “{points}”. This computer shows that too, but “{found}” has to be fixed first.</translation>
    </message>
    <message>
        <location filename="../../wizard/core/pasted.py"/>
        <source>Your message points to “{points}”, but this computer shows no such problem now. It may be fixed already, or it happens only where that Codex runs (another terminal, an editor, WSL).</source>
        <translation>Your message points to “{points}”, but this computer shows no such problem now. It may be fixed already, or it happens only where that Codex runs (another terminal, an editor, WSL).</translation>
    </message>
    <message>
        <location filename="../../wizard/core/pasted.py"/>
        <source>Your message points to “{points}”, but the checks on this computer could not confirm it.</source>
        <translation>Your message points to “{points}”, but the checks on this computer could not confirm it.</translation>
    </message>
    <message>
        <location filename="../../wizard/core/pasted.py"/>
        <source>Your message points to “{points}”, but this computer shows “{found}”.</source>
        <translation>Your message points to “{points}”, but this computer shows “{found}”.</translation>
    </message>
    <message>
        <location filename="../../wizard/core/pasted.py"/>
        <source>Your message points to step {n} “{step}”, where the problem was found: it confirms the finding.</source>
        <translation>Your message points to step {n} “{step}”, where the problem was found: it confirms the finding.</translation>
    </message>
    <message>
        <location filename="../../wizard/core/pasted.py"/>
        <source>Your message points to step {n} “{step}”. That step happens in your browser and at OpenAI, so this computer cannot test it.</source>
        <translation>Your message points to step {n} “{step}”. That step happens in your browser and at OpenAI, so this computer cannot test it.</translation>
    </message>
    <message>
        <location filename="../../wizard/core/pasted.py"/>
        <source>Your message points to step {n} “{step}”, but this computer shows the problem in step {m} “{found}”.</source>
        <translation>Your message points to step {n} “{step}”, but this computer shows the problem in step {m} “{found}”.</translation>
    </message>
    <message>
        <location filename="../../wizard/core/pasted.py"/>
        <source>Your message points to step {n} “{step}”, but nothing on this computer shows a problem there now.</source>
        <translation>Your message points to step {n} “{step}”, but nothing on this computer shows a problem there now.</translation>
    </message>
</context>
<context>
    <name>plan</name>
    <message>
        <location filename="../../wizard/fixes/plan.py"/>
        <source>  (no change)</source>
        <translation>  (no change)</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/plan.py"/>
        <source>unset {name}   (was {value})</source>
        <translation>unset {name}   (was {value})</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/plan.py"/>
        <source>Not applicable: {reason}</source>
        <translation>Not applicable: {reason}</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/plan.py"/>
        <source>File {file}:</source>
        <translation>File {file}:</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/plan.py"/>
        <source>Variables for your user account:</source>
        <translation>Variables for your user account:</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/plan.py"/>
        <source>Actions:</source>
        <translation>Actions:</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/plan.py"/>
        <source>Steps:</source>
        <translation>Steps:</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/plan.py"/>
        <source>Commands:</source>
        <translation>Commands:</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/plan.py"/>
        <source>Afterwards: {steps}</source>
        <translation>Afterwards: {steps}</translation>
    </message>
</context>
<context>
    <name>port</name>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>Not bind-tested: the environment is {platform}, this machine is {machine}; based on the listed listeners and reservations.</source>
        <translation>Not bind-tested: the environment is {platform}, this machine is {machine}; based on the listed listeners and reservations.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>Port {port} is held by {holder}, the WSL relay: the browser&apos;s return goes to Codex inside WSL (Linux on Windows), not to Codex on Windows.</source>
        <translation>Port {port} is held by {holder}, the WSL relay: the browser&apos;s return goes to Codex inside WSL (Linux on Windows), not to Codex on Windows.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>Windows has reserved port {ports} for its own networking (Hyper-V, WSL or Docker), so Codex cannot listen for the browser&apos;s return.</source>
        <translation>Windows has reserved port {ports} for its own networking (Hyper-V, WSL or Docker), so Codex cannot listen for the browser&apos;s return.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>Windows has reserved ports {ports} for its own networking (Hyper-V, WSL or Docker), so Codex cannot listen for the browser&apos;s return.</source>
        <translation>Windows has reserved ports {ports} for its own networking (Hyper-V, WSL or Docker), so Codex cannot listen for the browser&apos;s return.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>Port {ports} is in use, so Codex has nowhere to receive the browser&apos;s return: {holders}.</source>
        <translation>Port {ports} is in use, so Codex has nowhere to receive the browser&apos;s return: {holders}.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>Ports {ports} are all in use, so Codex has nowhere to receive the browser&apos;s return: {holders}.</source>
        <translation>Ports {ports} are all in use, so Codex has nowhere to receive the browser&apos;s return: {holders}.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>Codex cannot listen on port {ports}: {holders}.</source>
        <translation>Codex cannot listen on port {ports}: {holders}.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>Codex cannot listen on ports {ports}: {holders}.</source>
        <translation>Codex cannot listen on ports {ports}: {holders}.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>Something on this computer (a security program or network filter) refuses to let Codex listen on port {ports} ({detail}).</source>
        <translation>Something on this computer (a security program or network filter) refuses to let Codex listen on port {ports} ({detail}).</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>Something on this computer (a security program or network filter) refuses to let Codex listen on ports {ports} ({detail}).</source>
        <translation>Something on this computer (a security program or network filter) refuses to let Codex listen on ports {ports} ({detail}).</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>Port {port} is used by {holders}, and a Codex sign-in is waiting on port {fallback} for the browser&apos;s return. Finish that sign-in: a new one would find both ports taken and fail.</source>
        <translation>Port {port} is used by {holders}, and a Codex sign-in is waiting on port {fallback} for the browser&apos;s return. Finish that sign-in: a new one would find both ports taken and fail.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>Port {port} is used by {holders}; Codex {version} and newer switch to {fallback}, older versions fail.</source>
        <translation>Port {port} is used by {holders}; Codex {version} and newer switch to {fallback}, older versions fail.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>Port {port} is free for Codex to receive the browser&apos;s return.</source>
        <translation>Port {port} is free for Codex to receive the browser&apos;s return.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>[::1]:{port} (IPv6) is answered by {holders}</source>
        <translation>[::1]:{port} (IPv6) is answered by {holders}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>Separately, {listeners}. Codex sends the browser to 127.0.0.1, so that program does not catch this sign-in&apos;s return, but a browser sent to localhost reaches it first.</source>
        <translation>Separately, {listeners}. Codex sends the browser to 127.0.0.1, so that program does not catch this sign-in&apos;s return, but a browser sent to localhost reaches it first.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>{first} and {last}</source>
        <translation>{first} and {last}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>, </source>
        <translation>, </translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>{holder} on port {port} is {tool}, an account switcher or local proxy tool that takes over Codex&apos;s sign-in.</source>
        <translation>{holder} on port {port} is {tool}, an account switcher or local proxy tool that takes over Codex&apos;s sign-in.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>A Codex sign-in is waiting on port {port} for the browser&apos;s return. Starting a new sign-in replaces it.</source>
        <translation>A Codex sign-in is waiting on port {port} for the browser&apos;s return. Starting a new sign-in replaces it.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>port {port} is used by {holders}</source>
        <translation>port {port} is used by {holders}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>port {port} by {holders}</source>
        <translation>port {port} by {holders}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>port {port} is reserved by Windows</source>
        <translation>port {port} is reserved by Windows</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>port {port} is refused by Windows ({error})</source>
        <translation>port {port} is refused by Windows ({error})</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>port {port} is refused ({error})</source>
        <translation>port {port} is refused ({error})</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>a program whose owner needs admin rights to see</source>
        <translation>a program whose owner needs admin rights to see</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>Windows itself (http.sys)</source>
        <translation>Windows itself (http.sys)</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>Windows itself (http.sys, pid 4)</source>
        <translation>Windows itself (http.sys, pid 4)</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <location filename="../../wizard/checks/watch.py"/>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>{name} (pid {pid})</source>
        <translation>{name} (pid {pid})</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>process {pid}</source>
        <translation>process {pid}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>not tested</source>
        <translation>not tested</translation>
    </message>
    <message>
        <source>Another Codex sign-in is still waiting on port {port}.</source>
        <translation type="vanished">Another Codex sign-in is still waiting on port {port}.</translation>
    </message>
    <message>
        <source>{who} listens on port {port} for IPv6 (::1). Browsers try that address first for &apos;localhost&apos;, so the sign-in&apos;s return may go there instead of to Codex.</source>
        <translation type="vanished">{who} listens on port {port} for IPv6 (::1). Browsers try that address first for &apos;localhost&apos;, so the sign-in&apos;s return may go there instead of to Codex.</translation>
    </message>
</context>
<context>
    <name>port_release</name>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>an unnamed program</source>
        <translation>an unnamed program</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>Free the sign-in port</source>
        <translation>Free the sign-in port</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>The sign-in port was not checked.</source>
        <translation>The sign-in port was not checked.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>The sign-in port is free; there is nothing to stop.</source>
        <translation>The sign-in port is free; there is nothing to stop.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>Port {port} is held by a Codex sign-in that is still waiting. This asks it to stop (http://127.0.0.1:{port}/cancel), exactly as Codex itself does.</source>
        <translation>Port {port} is held by a Codex sign-in that is still waiting. This asks it to stop (http://127.0.0.1:{port}/cancel), exactly as Codex itself does.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>A Codex sign-in that is still waiting holds port {port}; Sign-in Doctor asks it to stop, as Codex itself does.</source>
        <translation>A Codex sign-in that is still waiting holds port {port}; Sign-in Doctor asks it to stop, as Codex itself does.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>Port {port} is in use by a program whose owner needs admin rights to see; Sign-in Doctor cannot end it. Restarting the computer frees it.</source>
        <translation>Port {port} is in use by a program whose owner needs admin rights to see; Sign-in Doctor cannot end it. Restarting the computer frees it.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>Port {port} is used by {holder}.</source>
        <translation>Port {port} is used by {holder}.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>You confirmed &apos;{name}&apos;: this ends it (save your work in it first).</source>
        <translation>You confirmed &apos;{name}&apos;: this ends it (save your work in it first).</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>asked the waiting Codex sign-in on port {port} to stop</source>
        <translation>asked the waiting Codex sign-in on port {port} to stop</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>ended {name} (pid {pid})</source>
        <translation>ended {name} (pid {pid})</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>Port {port} is still in use after Sign-in Doctor {what}.</source>
        <translation>Port {port} is still in use after Sign-in Doctor {what}.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>the sign-in ports</source>
        <translation>the sign-in ports</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>{ports} (range {start}-{end})</source>
        <translation>{ports} (range {start}-{end})</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>Windows has reserved {ports} for its own networking (Hyper-V, WSL or Docker); no program holds them, so there is nothing to end. An administrator can free them (the fix &apos;Free the reserved ports&apos;, winnat-restart). Meanwhile a device code sign-in needs no local port.</source>
        <translation>Windows has reserved {ports} for its own networking (Hyper-V, WSL or Docker); no program holds them, so there is nothing to end. An administrator can free them (the fix &apos;Free the reserved ports&apos;, winnat-restart). Meanwhile a device code sign-in needs no local port.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>Stops what holds the port Codex needs for the browser&apos;s return.</source>
        <translation>Stops what holds the port Codex needs for the browser&apos;s return.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>{name} is the WSL relay: ending it stops every port forwarded from WSL (Linux on Windows) until WSL restarts, and the editor starts it again. The real fix is to run Codex on Windows, not inside WSL: turn off the editor&apos;s &apos;Run Codex in WSL&apos; setting instead.</source>
        <translation>{name} is the WSL relay: ending it stops every port forwarded from WSL (Linux on Windows) until WSL restarts, and the editor starts it again. The real fix is to run Codex on Windows, not inside WSL: turn off the editor&apos;s &apos;Run Codex in WSL&apos; setting instead.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>port {port}</source>
        <translation>port {port}</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>ports {ports}</source>
        <translation>ports {ports}</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>{name}, the WSL relay, holds {port}. Ending it frees the port until the editor starts it again; the lasting fix is to stop running Codex inside WSL.</source>
        <translation>{name}, the WSL relay, holds {port}. Ending it frees the port until the editor starts it again; the lasting fix is to stop running Codex inside WSL.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>{name} holds {port}, which Codex needs for the browser&apos;s return. Ending {name} frees it: save your work in it first.</source>
        <translation>{name} holds {port}, which Codex needs for the browser&apos;s return. Ending {name} frees it: save your work in it first.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>Its owner needs admin rights to see, so Sign-in Doctor cannot end it.</source>
        <translation>Its owner needs admin rights to see, so Sign-in Doctor cannot end it.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>It is part of the operating system: Sign-in Doctor never ends it. Restarting the computer usually frees the port.</source>
        <translation>It is part of the operating system: Sign-in Doctor never ends it. Restarting the computer usually frees the port.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>{name} is part of the operating system: Sign-in Doctor never ends it. Restarting the computer usually frees the port.</source>
        <translation>{name} is part of the operating system: Sign-in Doctor never ends it. Restarting the computer usually frees the port.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>That is Sign-in Doctor itself or the program that started it; close it yourself.</source>
        <translation>That is Sign-in Doctor itself or the program that started it; close it yourself.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>Sign-in Doctor cannot tell which user it belongs to, so it does not end it.</source>
        <translation>Sign-in Doctor cannot tell which user it belongs to, so it does not end it.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>It belongs to another user ({user}); only that user or an administrator can end it.</source>
        <translation>It belongs to another user ({user}); only that user or an administrator can end it.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>If you want Sign-in Doctor to end it, run this fix again with --confirm-process {name}.</source>
        <translation>If you want Sign-in Doctor to end it, run this fix again with --confirm-process {name}.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>You confirmed &apos;{confirmed}&apos;, but the program holding the port is &apos;{name}&apos;; nothing is ended.</source>
        <translation>You confirmed &apos;{confirmed}&apos;, but the program holding the port is &apos;{name}&apos;; nothing is ended.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>Ask the waiting Codex sign-in on port {port} to stop (GET /cancel)</source>
        <translation>Ask the waiting Codex sign-in on port {port} to stop (GET /cancel)</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>End {name} (pid {pid}, {exe}, user {user}) to free port {port}</source>
        <translation>End {name} (pid {pid}, {exe}, user {user}) to free port {port}</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>program unknown</source>
        <translation>program unknown</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>Could not reach the Codex sign-in on port {port} ({error}).</source>
        <translation>Could not reach the Codex sign-in on port {port} ({error}).</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>The program with pid {pid} is no longer {name}; nothing was ended. Run the fix again.</source>
        <translation>The program with pid {pid} is no longer {name}; nothing was ended. Run the fix again.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>{name} (pid {pid}) did not stop.</source>
        <translation>{name} (pid {pid}) did not stop.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>Not allowed to end {name} (pid {pid}).</source>
        <translation>Not allowed to end {name} (pid {pid}).</translation>
    </message>
    <message>
        <source>{name} is the WSL relay: ending it stops every port forwarded from WSL (Linux on Windows) until WSL restarts, and the editor starts it again. The real fix is to run Codex on Windows, not inside WSL (fix ide-wsl-off).</source>
        <translation type="vanished">{name} is the WSL relay: ending it stops every port forwarded from WSL (Linux on Windows) until WSL restarts, and the editor starts it again. The real fix is to run Codex on Windows, not inside WSL (fix ide-wsl-off).</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation type="vanished">unknown</translation>
    </message>
    <message>
        <source>{name} - pid {pid}, program {exe}, user {user}</source>
        <translation type="vanished">{name} - pid {pid}, program {exe}, user {user}</translation>
    </message>
    <message>
        <source>Start the sign-in again.</source>
        <translation type="vanished">Start the sign-in again.</translation>
    </message>
    <message>
        <source>Windows has reserved {ports} for its own networking (Hyper-V, WSL or Docker); no program holds them, so there is nothing to end. An administrator can free them: see `python -m wizard fix winnat-restart`. Meanwhile `codex login --device-auth` signs in without a local port.</source>
        <translation type="vanished">Windows has reserved {ports} for its own networking (Hyper-V, WSL or Docker); no program holds them, so there is nothing to end. An administrator can free them: see `python -m wizard fix winnat-restart`. Meanwhile `codex login --device-auth` signs in without a local port.</translation>
    </message>
    <message>
        <source>{name} is the WSL relay: ending it stops every port forwarded from WSL (Linux on Windows) until WSL restarts, and the editor starts it again. The real fix is `ide-wsl-off` (run Codex on Windows, not inside WSL).</source>
        <translation type="vanished">{name} is the WSL relay: ending it stops every port forwarded from WSL (Linux on Windows) until WSL restarts, and the editor starts it again. The real fix is `ide-wsl-off` (run Codex on Windows, not inside WSL).</translation>
    </message>
</context>
<context>
    <name>proxy</name>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>NO_PROXY does not list localhost, 127.0.0.1 and ::1, so requests Codex makes to this computer may be sent to the proxy; the usual setting is NO_PROXY=localhost,127.0.0.1,::1 (openai/codex#36490).</source>
        <translation>NO_PROXY does not list localhost, 127.0.0.1 and ::1, so requests Codex makes to this computer may be sent to the proxy; the usual setting is NO_PROXY=localhost,127.0.0.1,::1 (openai/codex#36490).</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>Codex is told to use the SOCKS proxy {proxy} ({source}), but Codex cannot use SOCKS proxies: it gives up before connecting to it.</source>
        <translation>Codex is told to use the SOCKS proxy {proxy} ({source}), but Codex cannot use SOCKS proxies: it gives up before connecting to it.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>Your proxy {proxy} does not answer properly: {failure}.</source>
        <translation>Your proxy {proxy} does not answer properly: {failure}.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>Your proxy {proxy} cannot be reached: {failure}.</source>
        <translation>Your proxy {proxy} cannot be reached: {failure}.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>The proxy {proxy} lets Codex through.</source>
        <translation>The proxy {proxy} lets Codex through.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>the user name and password sent with the request were rejected (407)</source>
        <translation>the user name and password sent with the request were rejected (407)</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>it answered 407 and no user name and password are configured</source>
        <translation>it answered 407 and no user name and password are configured</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>The proxy {proxy} rejected the user name and password Codex would send.</source>
        <translation>The proxy {proxy} rejected the user name and password Codex would send.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>The proxy {proxy} wants a user name and password, and none is set.</source>
        <translation>The proxy {proxy} wants a user name and password, and none is set.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>the proxy answered {answer} with a block page</source>
        <translation>the proxy answered {answer} with a block page</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>The proxy {proxy} refuses to connect to {host} ({answer} with a block page).</source>
        <translation>The proxy {proxy} refuses to connect to {host} ({answer} with a block page).</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>the proxy answered {answer}</source>
        <translation>the proxy answered {answer}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>The proxy {proxy} refuses to connect to {host} ({answer}).</source>
        <translation>The proxy {proxy} refuses to connect to {host} ({answer}).</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>No proxy is set; Codex connects directly.</source>
        <translation>No proxy is set; Codex connects directly.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>the proxy&apos;s exception list</source>
        <translation>the proxy&apos;s exception list</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>Codex connects to {host} directly: {entry} in {where} exempts it from the proxy, so if your network only lets traffic out through the proxy, Codex cannot get out.</source>
        <translation>Codex connects to {host} directly: {entry} in {where} exempts it from the proxy, so if your network only lets traffic out through the proxy, Codex cannot get out.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>Codex asks the proxy script {script} ({source}) which proxy to use; Sign-in Doctor cannot run proxy scripts, so it tested the direct way.</source>
        <translation>Codex asks the proxy script {script} ({source}) which proxy to use; Sign-in Doctor cannot run proxy scripts, so it tested the direct way.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>Codex ignores {source} ({value}): it does not read &apos;{scheme}://&apos; proxy addresses, so it connects directly; if your network only lets traffic out through a proxy, Codex cannot get out.</source>
        <translation>Codex ignores {source} ({value}): it does not read &apos;{scheme}://&apos; proxy addresses, so it connects directly; if your network only lets traffic out through a proxy, Codex cannot get out.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>the proxy script {value}</source>
        <translation>the proxy script {value}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>the proxy {value}</source>
        <translation>the proxy {value}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>Codex connects directly, although {source} uses {what}; if your network only lets traffic out through a proxy, Codex cannot get out.</source>
        <translation>Codex connects directly, although {source} uses {what}; if your network only lets traffic out through a proxy, Codex cannot get out.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>the proxy address has no host name</source>
        <translation>the proxy address has no host name</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>the connection to the proxy broke ({error})</source>
        <translation>the connection to the proxy broke ({error})</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>the secure connection to the proxy failed ({error})</source>
        <translation>the secure connection to the proxy failed ({error})</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>it accepted the connection but sent no answer within {seconds:.1f} s</source>
        <translation>it accepted the connection but sent no answer within {seconds:.1f} s</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>the check was cancelled</source>
        <translation>the check was cancelled</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>it closed the connection without answering</source>
        <translation>it closed the connection without answering</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>it answered, but not like an HTTP proxy (is it a SOCKS port?)</source>
        <translation>it answered, but not like an HTTP proxy (is it a SOCKS port?)</translation>
    </message>
    <message>
        <source>Codex is told to use the SOCKS proxy {proxy} ({source}); Codex does not work reliably through SOCKS, so use the app&apos;s HTTP (or mixed) proxy port instead.</source>
        <translation type="vanished">Codex is told to use the SOCKS proxy {proxy} ({source}); Codex does not work reliably through SOCKS, so use the app&apos;s HTTP (or mixed) proxy port instead.</translation>
    </message>
    <message>
        <source>Codex is told to use the proxy {proxy} ({source}), but Codex cannot use a &apos;{scheme}&apos; proxy.</source>
        <translation type="vanished">Codex is told to use the proxy {proxy} ({source}), but Codex cannot use a &apos;{scheme}&apos; proxy.</translation>
    </message>
</context>
<context>
    <name>proxy_env_repair</name>
    <message>
        <location filename="../../wizard/fixes/proxy_env_repair.py"/>
        <source>Remove a stale proxy setting</source>
        <translation>Remove a stale proxy setting</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/proxy_env_repair.py"/>
        <source>Removes a proxy setting that points at nothing.</source>
        <translation>Removes a proxy setting that points at nothing.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/proxy_env_repair.py"/>
        <source>The proxy works but wants a user name and password. Ask IT for proxy credentials and put them in the proxy setting (http://USER:PASSWORD@host:port), or ask for the sign-in server to be allowed without them.</source>
        <translation>The proxy works but wants a user name and password. Ask IT for proxy credentials and put them in the proxy setting (http://USER:PASSWORD@host:port), or ask for the sign-in server to be allowed without them.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/proxy_env_repair.py"/>
        <source>No proxy setting is stale: nothing to remove.</source>
        <translation>No proxy setting is stale: nothing to remove.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/proxy_env_repair.py"/>
        <source>The proxy setting is not there any more.</source>
        <translation>The proxy setting is not there any more.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/proxy_env_repair.py"/>
        <source>The proxy {proxy} comes from {source}, not from a variable: change it there (Windows: Settings &gt; Network &amp; internet &gt; Proxy; macOS: System Settings &gt; Network &gt; Details &gt; Proxies).</source>
        <translation>The proxy {proxy} comes from {source}, not from a variable: change it there (Windows: Settings &gt; Network &amp; internet &gt; Proxy; macOS: System Settings &gt; Network &gt; Details &gt; Proxies).</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/proxy_env_repair.py"/>
        <source>Codex cannot use a &apos;{scheme}&apos; proxy ({proxy})</source>
        <translation>Codex cannot use a &apos;{scheme}&apos; proxy ({proxy})</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/proxy_env_repair.py"/>
        <source>nothing answers at the proxy {proxy}</source>
        <translation>nothing answers at the proxy {proxy}</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/proxy_env_repair.py"/>
        <source>The stale proxy setting ({name}) is not in any place Sign-in Doctor can change.</source>
        <translation>The stale proxy setting ({name}) is not in any place Sign-in Doctor can change.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/proxy_env_repair.py"/>
        <source>Codex is told to use a proxy, but {why}. This turns off {places}.</source>
        <translation>Codex is told to use a proxy, but {why}. This turns off {places}.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/proxy_env_repair.py"/>
        <source>If you need a proxy to reach the internet, set HTTPS_PROXY to your proxy app&apos;s HTTP (or &apos;mixed&apos;) port instead, e.g. http://127.0.0.1:PORT.</source>
        <translation>If you need a proxy to reach the internet, set HTTPS_PROXY to your proxy app&apos;s HTTP (or &apos;mixed&apos;) port instead, e.g. http://127.0.0.1:PORT.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/proxy_env_repair.py"/>
        <source>Another proxy stays set ({remaining}), so NO_PROXY is set to {no_proxy}: the sign-in&apos;s return to this computer never goes to a proxy.</source>
        <translation>Another proxy stays set ({remaining}), so NO_PROXY is set to {no_proxy}: the sign-in&apos;s return to this computer never goes to a proxy.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/proxy_env_repair.py"/>
        <source>Codex then connects directly.</source>
        <translation>Codex then connects directly.</translation>
    </message>
    <message>
        <source>{name} in {places}</source>
        <translation type="vanished">{name} in {places}</translation>
    </message>
</context>
<context>
    <name>redact</name>
    <message>
        <location filename="../../wizard/report/redact.py"/>
        <source>sign-in tokens</source>
        <translation>sign-in tokens</translation>
    </message>
    <message>
        <location filename="../../wizard/report/redact.py"/>
        <source>API keys</source>
        <translation>API keys</translation>
    </message>
    <message>
        <location filename="../../wizard/report/redact.py"/>
        <source>sign-in codes</source>
        <translation>sign-in codes</translation>
    </message>
    <message>
        <location filename="../../wizard/report/redact.py"/>
        <source>sign-in state values</source>
        <translation>sign-in state values</translation>
    </message>
    <message>
        <location filename="../../wizard/report/redact.py"/>
        <source>passwords</source>
        <translation>passwords</translation>
    </message>
    <message>
        <location filename="../../wizard/report/redact.py"/>
        <source>other secret values</source>
        <translation>other secret values</translation>
    </message>
    <message>
        <location filename="../../wizard/report/redact.py"/>
        <source>e-mail addresses</source>
        <translation>e-mail addresses</translation>
    </message>
    <message>
        <location filename="../../wizard/report/redact.py"/>
        <source>your user name</source>
        <translation>your user name</translation>
    </message>
    <message>
        <location filename="../../wizard/report/redact.py"/>
        <source>your home folder</source>
        <translation>your home folder</translation>
    </message>
</context>
<context>
    <name>remote</name>
    <message>
        <location filename="../../wizard/checks/remote.py"/>
        <source>an SSH session on another computer</source>
        <translation>an SSH session on another computer</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/remote.py"/>
        <source>GitHub Codespaces (a computer in the cloud)</source>
        <translation>GitHub Codespaces (a computer in the cloud)</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/remote.py"/>
        <source>a dev container</source>
        <translation>a dev container</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/remote.py"/>
        <source>a container</source>
        <translation>a container</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/remote.py"/>
        <source>WSL (Linux on Windows)</source>
        <translation>WSL (Linux on Windows)</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/remote.py"/>
        <source>This is not a remote session, a container or WSL: a browser on this computer returns to Codex here.</source>
        <translation>This is not a remote session, a container or WSL: a browser on this computer returns to Codex here.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/remote.py"/>
        <source>This runs in {where}. A browser on your own computer returns to port {port} on your own computer, not here, unless that port is forwarded to this machine.</source>
        <translation>This runs in {where}. A browser on your own computer returns to port {port} on your own computer, not here, unless that port is forwarded to this machine.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/remote.py"/>
        <source>This runs in {where} with its own display: a browser opened here returns to Codex here, a browser on your own computer does not.</source>
        <translation>This runs in {where} with its own display: a browser opened here returns to Codex here, a browser on your own computer does not.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/remote.py"/>
        <source>This runs in {where}. The browser&apos;s return reaches Codex here only if port {port} is passed on to it (WSL and containers on the computer&apos;s own network usually do); if the browser says the page cannot be reached, sign in with a device code.</source>
        <translation>This runs in {where}. The browser&apos;s return reaches Codex here only if port {port} is passed on to it (WSL and containers on the computer&apos;s own network usually do); if the browser says the page cannot be reached, sign in with a device code.</translation>
    </message>
</context>
<context>
    <name>report</name>
    <message>
        <location filename="../../wizard/report/draft.py"/>
        <source>Proxy address</source>
        <translation>Proxy address</translation>
    </message>
    <message>
        <location filename="../../wizard/report/draft.py"/>
        <source>Replaces {addresses} with {marker} everywhere in the report.</source>
        <translation>Replaces {addresses} with {marker} everywhere in the report.</translation>
    </message>
    <message>
        <location filename="../../wizard/report/draft.py"/>
        <source>Editor settings file paths</source>
        <translation>Editor settings file paths</translation>
    </message>
    <message>
        <location filename="../../wizard/report/draft.py"/>
        <source>Replaces {paths} with {marker} everywhere in the report.</source>
        <translation>Replaces {paths} with {marker} everywhere in the report.</translation>
    </message>
    <message>
        <location filename="../../wizard/report/draft.py"/>
        <source>The error message that was pasted</source>
        <translation>The error message that was pasted</translation>
    </message>
    <message>
        <location filename="../../wizard/report/draft.py"/>
        <source>Leaves out the pasted error message and what it means.</source>
        <translation>Leaves out the pasted error message and what it means.</translation>
    </message>
    <message>
        <location filename="../../wizard/report/draft.py"/>
        <source>Details of “{title}”</source>
        <translation>Details of “{title}”</translation>
    </message>
    <message>
        <location filename="../../wizard/report/draft.py"/>
        <source>Leaves out the technical details of this check; its result and one-line summary stay.</source>
        <translation>Leaves out the technical details of this check; its result and one-line summary stay.</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Warning</source>
        <translation>Warning</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Not tested</source>
        <translation>Not tested</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Check broke</source>
        <translation>Check broke</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Nothing wrong found</source>
        <translation>Nothing wrong found</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Not sure yet</source>
        <translation>Not sure yet</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Problem found</source>
        <translation>Problem found</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Turn off &apos;Run Codex in WSL&apos; in your editor&apos;s settings</source>
        <translation>Turn off &apos;Run Codex in WSL&apos; in your editor&apos;s settings</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Give Codex your organisation&apos;s certificate</source>
        <translation>Give Codex your organisation&apos;s certificate</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Repair the broken certificate setting</source>
        <translation>Repair the broken certificate setting</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Remove or correct the stale proxy setting</source>
        <translation>Remove or correct the stale proxy setting</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Free the sign-in port</source>
        <translation>Free the sign-in port</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Sign in with a device code instead (codex login --device-auth)</source>
        <translation>Sign in with a device code instead (codex login --device-auth)</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Let the computer set its clock automatically</source>
        <translation>Let the computer set its clock automatically</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Check OpenAI&apos;s status page (status.openai.com)</source>
        <translation>Check OpenAI&apos;s status page (status.openai.com)</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Restart Windows NAT to release the reserved ports (needs admin)</source>
        <translation>Restart Windows NAT to release the reserved ports (needs admin)</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Sign-in Doctor · case file</source>
        <translation>Sign-in Doctor · case file</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <location filename="../../wizard/report/markdown.py"/>
        <source>Case</source>
        <translation>Case</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>What to do next</source>
        <translation>What to do next</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>What was checked</source>
        <translation>What was checked</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Each check and its result. Status is shown as a word and an icon.</source>
        <translation>Each check and its result. Status is shown as a word and an icon.</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <location filename="../../wizard/report/markdown.py"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <location filename="../../wizard/report/markdown.py"/>
        <source>Check</source>
        <translation>Check</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <location filename="../../wizard/report/markdown.py"/>
        <source>Result</source>
        <translation>Result</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Time</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <location filename="../../wizard/report/markdown.py"/>
        <source>About this case</source>
        <translation>About this case</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Details for the help desk</source>
        <translation>Details for the help desk</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <location filename="../../wizard/report/markdown.py"/>
        <source>Proven faults:</source>
        <translation>Proven faults:</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Case {case_id}: {title}</source>
        <translation>Case {case_id}: {title}</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Also found (fix after the first):</source>
        <translation>Also found (fix after the first):</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Case {case_id}, written {generated_at} by {tool}. Sign-in tokens, codes, keys, passwords, e-mail addresses and your user name were removed before this file was written. Nothing was sent anywhere.</source>
        <translation>Case {case_id}, written {generated_at} by {tool}. Sign-in tokens, codes, keys, passwords, e-mail addresses and your user name were removed before this file was written. Nothing was sent anywhere.</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>What Sign-in Doctor can do</source>
        <translation>What Sign-in Doctor can do</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>fix id</source>
        <translation>fix id</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>The problem is in step {n} of the sign-in.</source>
        <translation>The problem is in step {n} of the sign-in.</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>No single step of the sign-in is proven to fail.</source>
        <translation>No single step of the sign-in is proven to fail.</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Where in the sign-in</source>
        <translation>Where in the sign-in</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <location filename="../../wizard/report/markdown.py"/>
        <source>The error message you saw</source>
        <translation>The error message you saw</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <location filename="../../wizard/report/markdown.py"/>
        <source>Written</source>
        <translation>Written</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Checked at</source>
        <translation>Checked at</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Took</source>
        <translation>Took</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Sign-in server</source>
        <translation>Sign-in server</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Sign-in return ports</source>
        <translation>Sign-in return ports</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Tool</source>
        <translation>Tool</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>System</source>
        <translation>System</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>More data</source>
        <translation>More data</translation>
    </message>
    <message>
        <location filename="../../wizard/report/markdown.py"/>
        <source>Sign-in Doctor case {case_id}</source>
        <translation>Sign-in Doctor case {case_id}</translation>
    </message>
    <message>
        <location filename="../../wizard/report/markdown.py"/>
        <source>Verdict:</source>
        <translation>Verdict:</translation>
    </message>
    <message>
        <location filename="../../wizard/report/markdown.py"/>
        <source>Next action:</source>
        <translation>Next action:</translation>
    </message>
    <message>
        <location filename="../../wizard/report/markdown.py"/>
        <source>step {n} of 5, {label}</source>
        <translation>step {n} of 5, {label}</translation>
    </message>
    <message>
        <location filename="../../wizard/report/markdown.py"/>
        <source>Where:</source>
        <translation>Where:</translation>
    </message>
    <message>
        <location filename="../../wizard/report/markdown.py"/>
        <source>What Sign-in Doctor can do:</source>
        <translation>What Sign-in Doctor can do:</translation>
    </message>
    <message>
        <location filename="../../wizard/report/markdown.py"/>
        <source>Also found:</source>
        <translation>Also found:</translation>
    </message>
    <message>
        <location filename="../../wizard/report/markdown.py"/>
        <source>Checks</source>
        <translation>Checks</translation>
    </message>
    <message>
        <location filename="../../wizard/report/markdown.py"/>
        <source>Sign-in steps</source>
        <translation>Sign-in steps</translation>
    </message>
    <message>
        <location filename="../../wizard/report/markdown.py"/>
        <source>{name} {version}, {os}, Python {python}</source>
        <translation>{name} {version}, {os}, Python {python}</translation>
    </message>
    <message>
        <location filename="../../wizard/report/markdown.py"/>
        <source>Checked at: {started}, took {duration}</source>
        <translation>Checked at: {started}, took {duration}</translation>
    </message>
    <message>
        <location filename="../../wizard/report/markdown.py"/>
        <source>Sign-in server: {url}, return ports {ports}</source>
        <translation>Sign-in server: {url}, return ports {ports}</translation>
    </message>
    <message>
        <location filename="../../wizard/report/markdown.py"/>
        <source>Tool: {tool}</source>
        <translation>Tool: {tool}</translation>
    </message>
    <message>
        <location filename="../../wizard/report/markdown.py"/>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <location filename="../../wizard/report/markdown.py"/>
        <source>Sign-in tokens, codes, keys, passwords, e-mail addresses and the user name were removed before this file was written.</source>
        <translation>Sign-in tokens, codes, keys, passwords, e-mail addresses and the user name were removed before this file was written.</translation>
    </message>
    <message>
        <location filename="../../wizard/report/timeline.py"/>
        <source>What happened in this case</source>
        <translation>What happened in this case</translation>
    </message>
    <message>
        <location filename="../../wizard/report/timeline.py"/>
        <source>Checked again: {title}</source>
        <translation>Checked again: {title}</translation>
    </message>
    <message>
        <location filename="../../wizard/report/timeline.py"/>
        <source>First check: {title}</source>
        <translation>First check: {title}</translation>
    </message>
    <message>
        <location filename="../../wizard/report/timeline.py"/>
        <source>changed {files}</source>
        <translation>changed {files}</translation>
    </message>
    <message>
        <location filename="../../wizard/report/timeline.py"/>
        <source>set {names}</source>
        <translation>set {names}</translation>
    </message>
    <message>
        <location filename="../../wizard/report/timeline.py"/>
        <source>removed {names}</source>
        <translation>removed {names}</translation>
    </message>
    <message>
        <location filename="../../wizard/report/timeline.py"/>
        <source>nothing to change on disk</source>
        <translation>nothing to change on disk</translation>
    </message>
    <message>
        <location filename="../../wizard/report/timeline.py"/>
        <source>Fix undone: {fix} ({changes})</source>
        <translation>Fix undone: {fix} ({changes})</translation>
    </message>
    <message>
        <location filename="../../wizard/report/timeline.py"/>
        <source>Fix applied: {fix} ({changes})</source>
        <translation>Fix applied: {fix} ({changes})</translation>
    </message>
    <message>
        <location filename="../../wizard/report/trust_table.py"/>
        <source>Who trusts the connection to the sign-in server</source>
        <translation>Who trusts the connection to the sign-in server</translation>
    </message>
    <message>
        <location filename="../../wizard/report/trust_table.py"/>
        <source>Certificates</source>
        <translation>Certificates</translation>
    </message>
    <message>
        <location filename="../../wizard/report/trust_table.py"/>
        <source>Trusted?</source>
        <translation>Trusted?</translation>
    </message>
    <message>
        <location filename="../../wizard/report/trust_table.py"/>
        <source>Why not</source>
        <translation>Why not</translation>
    </message>
    <message>
        <location filename="../../wizard/report/trust_table.py"/>
        <source>Yes</source>
        <translation>Yes</translation>
    </message>
    <message>
        <location filename="../../wizard/report/trust_table.py"/>
        <source>No</source>
        <translation>No</translation>
    </message>
    <message>
        <source>You sign in with your browser</source>
        <translation type="vanished">You sign in with your browser</translation>
    </message>
    <message>
        <source>The browser returns to this computer</source>
        <translation type="vanished">The browser returns to this computer</translation>
    </message>
    <message>
        <source>Codex receives the return</source>
        <translation type="vanished">Codex receives the return</translation>
    </message>
    <message>
        <source>Codex finishes sign-in with OpenAI</source>
        <translation type="vanished">Codex finishes sign-in with OpenAI</translation>
    </message>
    <message>
        <source>Codex saves the sign-in</source>
        <translation type="vanished">Codex saves the sign-in</translation>
    </message>
    <message>
        <source>Problem here</source>
        <translation type="vanished">Problem here</translation>
    </message>
    <message>
        <source>Works</source>
        <translation type="vanished">Works</translation>
    </message>
    <message>
        <source>Not checked</source>
        <translation type="vanished">Not checked</translation>
    </message>
</context>
<context>
    <name>respect_system_proxy</name>
    <message>
        <location filename="../../wizard/fixes/respect_system_proxy.py"/>
        <source>Let Codex use this computer&apos;s proxy settings</source>
        <translation>Let Codex use this computer&apos;s proxy settings</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/respect_system_proxy.py"/>
        <source>Turns on respect_system_proxy in Codex&apos;s config.toml, so Codex follows the system&apos;s proxy settings (a proxy script included) the way the browser does.</source>
        <translation>Turns on respect_system_proxy in Codex&apos;s config.toml, so Codex follows the system&apos;s proxy settings (a proxy script included) the way the browser does.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/respect_system_proxy.py"/>
        <source>On Linux Codex has no system proxy settings to follow (it reads only the proxy variables), so this would change nothing.</source>
        <translation>On Linux Codex has no system proxy settings to follow (it reads only the proxy variables), so this would change nothing.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/respect_system_proxy.py"/>
        <source>it is too large</source>
        <translation>it is too large</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/respect_system_proxy.py"/>
        <source>Codex&apos;s settings file {file} was not changed: {problem}.</source>
        <translation>Codex&apos;s settings file {file} was not changed: {problem}.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/respect_system_proxy.py"/>
        <source>Codex already follows the system&apos;s proxy settings.</source>
        <translation>Codex already follows the system&apos;s proxy settings.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/respect_system_proxy.py"/>
        <source>Sets {key} = true under [{table}] in {file}, so Codex asks this computer&apos;s proxy settings first (a proxy script included), the way your browser does. Everything else in the file stays as it is; Undo puts the original back.</source>
        <translation>Sets {key} = true under [{table}] in {file}, so Codex asks this computer&apos;s proxy settings first (a proxy script included), the way your browser does. Everything else in the file stays as it is; Undo puts the original back.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/respect_system_proxy.py"/>
        <source>Your computer uses a proxy script, which Sign-in Doctor cannot run, so only signing in again shows that Codex gets through.</source>
        <translation>Your computer uses a proxy script, which Sign-in Doctor cannot run, so only signing in again shows that Codex gets through.</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/respect_system_proxy.py"/>
        <source>Apply lets Codex use this computer&apos;s proxy settings, like your browser (a copy of Codex&apos;s settings is kept for Undo).</source>
        <translation>Apply lets Codex use this computer&apos;s proxy settings, like your browser (a copy of Codex&apos;s settings is kept for Undo).</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/respect_system_proxy.py"/>
        <source>Quit Codex completely (the app, the editor or the terminal you sign in from) and start it again, then sign in.</source>
        <translation>Quit Codex completely (the app, the editor or the terminal you sign in from) and start it again, then sign in.</translation>
    </message>
</context>
<context>
    <name>route</name>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Windows Internet Options</source>
        <translation>Windows Internet Options</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Windows Internet Options (automatic configuration script)</source>
        <translation>Windows Internet Options (automatic configuration script)</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Windows WinHTTP proxy (netsh)</source>
        <translation>Windows WinHTTP proxy (netsh)</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>macOS network settings</source>
        <translation>macOS network settings</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>macOS network settings (automatic proxy configuration)</source>
        <translation>macOS network settings (automatic proxy configuration)</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Codex&apos;s HTTP client reads this Windows setting when no proxy variable is set (not confirmed by OpenAI for Windows).</source>
        <translation>Codex&apos;s HTTP client reads this Windows setting when no proxy variable is set (not confirmed by OpenAI for Windows).</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Codex does not read this setting&apos;s exceptions (its bypass list) unless respect_system_proxy is on; a browser does.</source>
        <translation>Codex does not read this setting&apos;s exceptions (its bypass list) unless respect_system_proxy is on; a browser does.</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Used by the editor itself; Codex launched by the extension does not necessarily use it (openai/codex#11998).</source>
        <translation>Used by the editor itself; Codex launched by the extension does not necessarily use it (openai/codex#11998).</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>directly</source>
        <translation>directly</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>through the proxy script {url} ({source})</source>
        <translation>through the proxy script {url} ({source})</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>through the proxy {proxy} ({source})</source>
        <translation>through the proxy {proxy} ({source})</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>{source} exceptions</source>
        <translation>{source} exceptions</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>{entry} in {where}</source>
        <translation>{entry} in {where}</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Only used for http:// addresses; the sign-in server is https://.</source>
        <translation>Only used for http:// addresses; the sign-in server is https://.</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Not used: {dotenv} sets it too, and Codex loads that file over this computer&apos;s own variables.</source>
        <translation>Not used: {dotenv} sets it too, and Codex loads that file over this computer&apos;s own variables.</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Ignored by Codex: it does not read &apos;{scheme}://&apos; proxy addresses, so it acts as if this were not set.</source>
        <translation>Ignored by Codex: it does not read &apos;{scheme}://&apos; proxy addresses, so it acts as if this were not set.</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Not used: {first} is also set (empty), and Codex reads only that one.</source>
        <translation>Not used: {first} is also set (empty), and Codex reads only that one.</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Not used: {first} is also set, and Codex reads only that one.</source>
        <translation>Not used: {first} is also set, and Codex reads only that one.</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Not used for the sign-in server: it is exempt ({exempt}).</source>
        <translation>Not used for the sign-in server: it is exempt ({exempt}).</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Not used: {first} comes first.</source>
        <translation>Not used: {first} comes first.</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Codex asks this script which proxy to use (respect_system_proxy = true). Sign-in Doctor cannot run the script, so the route tested may differ.</source>
        <translation>Codex asks this script which proxy to use (respect_system_proxy = true). Sign-in Doctor cannot run the script, so the route tested may differ.</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Not used by Codex: a proxy script is only followed with [features] respect_system_proxy = true in config.toml.</source>
        <translation>Not used by Codex: a proxy script is only followed with [features] respect_system_proxy = true in config.toml.</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>The machine-wide WinHTTP proxy is used by Windows services, not by Codex.</source>
        <translation>The machine-wide WinHTTP proxy is used by Windows services, not by Codex.</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Bypass list: {bypass}.</source>
        <translation>Bypass list: {bypass}.</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>The per-protocol form is read for its https entry.</source>
        <translation>The per-protocol form is read for its https entry.</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Names no proxy for https:// addresses, so Codex does not use it.</source>
        <translation>Names no proxy for https:// addresses, so Codex does not use it.</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Switched off (&quot;Use a proxy server&quot; is unticked).</source>
        <translation>Switched off (&quot;Use a proxy server&quot; is unticked).</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>macOS network settings (secure web proxy)</source>
        <translation>macOS network settings (secure web proxy)</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Codex&apos;s HTTP client reads the macOS proxy when no proxy variable is set.</source>
        <translation>Codex&apos;s HTTP client reads the macOS proxy when no proxy variable is set.</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>The web proxy (HTTP) is only used for http:// addresses; the sign-in server is https://.</source>
        <translation>The web proxy (HTTP) is only used for http:// addresses; the sign-in server is https://.</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>macOS network settings (web proxy)</source>
        <translation>macOS network settings (web proxy)</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Codex does not use a SOCKS proxy from the system settings.</source>
        <translation>Codex does not use a SOCKS proxy from the system settings.</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>macOS network settings (SOCKS proxy)</source>
        <translation>macOS network settings (SOCKS proxy)</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>{path} could not be read ({error}); proxy options in it were ignored.</source>
        <translation>{path} could not be read ({error}); proxy options in it were ignored.</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>{path} sets respect_system_proxies (plural), which Codex ignores; the option is respect_system_proxy.</source>
        <translation>{path} sets respect_system_proxies (plural), which Codex ignores; the option is respect_system_proxy.</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Its http.noProxy: {entries}.</source>
        <translation>Its http.noProxy: {entries}.</translation>
    </message>
</context>
<context>
    <name>routes</name>
    <message>
        <location filename="../../wizard/checks/other_routes.py"/>
        <source>Not needed: Codex&apos;s own way to the sign-in server works.</source>
        <translation>Not needed: Codex&apos;s own way to the sign-in server works.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/other_routes.py"/>
        <source>Codex follows the proxy script too (respect_system_proxy = true), and Sign-in Doctor cannot run it, so Codex&apos;s way could not be tried here.</source>
        <translation>Codex follows the proxy script too (respect_system_proxy = true), and Sign-in Doctor cannot run it, so Codex&apos;s way could not be tried here.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/other_routes.py"/>
        <source>No other way to the sign-in server is set up on this computer.</source>
        <translation>No other way to the sign-in server is set up on this computer.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/other_routes.py"/>
        <source>Codex&apos;s own way fails, but the sign-in server answers {way}.</source>
        <translation>Codex&apos;s own way fails, but the sign-in server answers {way}.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/other_routes.py"/>
        <source>No other way reaches the sign-in server either.</source>
        <translation>No other way reaches the sign-in server either.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/other_routes.py"/>
        <source>Sign-in Doctor cannot run a proxy script, so that way was not tried: if your browser opens OpenAI&apos;s sign-in page, it works.</source>
        <translation>Sign-in Doctor cannot run a proxy script, so that way was not tried: if your browser opens OpenAI&apos;s sign-in page, it works.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/other_routes.py"/>
        <source>That way, the sign-in server answers.</source>
        <translation>That way, the sign-in server answers.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/other_routes.py"/>
        <source>respect_system_proxy is on, but Codex does not reach the sign-in server the system&apos;s way.</source>
        <translation>respect_system_proxy is on, but Codex does not reach the sign-in server the system&apos;s way.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/other_routes.py"/>
        <source>Codex follows the system&apos;s way only with respect_system_proxy = true under [features] in its config.toml (off by default, also in Codex 0.169.0). Codex 0.169.0 also retries a sign-in request that could not connect once through the system&apos;s settings (system_proxy_fallback, on by default); the option makes every request go that way.</source>
        <translation>Codex follows the system&apos;s way only with respect_system_proxy = true under [features] in its config.toml (off by default, also in Codex 0.169.0). Codex 0.169.0 also retries a sign-in request that could not connect once through the system&apos;s settings (system_proxy_fallback, on by default); the option makes every request go that way.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/other_routes.py"/>
        <source>This computer&apos;s proxy settings go {browser}, but Codex goes {codex}, and that fails.</source>
        <translation>This computer&apos;s proxy settings go {browser}, but Codex goes {codex}, and that fails.</translation>
    </message>
</context>
<context>
    <name>rules</name>
    <message>
        <location filename="../../wizard/checks/os_trust.py"/>
        <location filename="../../wizard/checks/wsl_network.py"/>
        <location filename="../../wizard/core/rules.py"/>
        <source>unknown</source>
        <translation>unknown</translation>
    </message>
    <message>
        <location filename="../../wizard/core/rules.py"/>
        <source>{title}: {summary}</source>
        <translation>{title}: {summary}</translation>
    </message>
    <message>
        <location filename="../../wizard/core/rules.py"/>
        <source>no check ran.</source>
        <translation>no check ran.</translation>
    </message>
    <message>
        <location filename="../../wizard/core/rules.py"/>
        <source>The sign-in port was not checked.</source>
        <translation>The sign-in port was not checked.</translation>
    </message>
    <message>
        <location filename="../../wizard/core/rules.py"/>
        <source>This tool&apos;s own test found a problem ({findings}), but your own Codex got through to the sign-in server, so that is not what stops it.</source>
        <translation>This tool&apos;s own test found a problem ({findings}), but your own Codex got through to the sign-in server, so that is not what stops it.</translation>
    </message>
    <message>
        <source>no check ran</source>
        <translation type="vanished">no check ran</translation>
    </message>
</context>
<context>
    <name>status</name>
    <message>
        <location filename="../../wizard/checks/status.py"/>
        <source>Only checked for OpenAI&apos;s own sign-in server.</source>
        <translation>Only checked for OpenAI&apos;s own sign-in server.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/status.py"/>
        <source>the status page</source>
        <translation>the status page</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/status.py"/>
        <source>Could not reach {host} (that alone is not a problem).</source>
        <translation>Could not reach {host} (that alone is not a problem).</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/status.py"/>
        <source>OpenAI reports no problems right now.</source>
        <translation>OpenAI reports no problems right now.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/status.py"/>
        <source>OpenAI reports a minor problem: {description}.</source>
        <translation>OpenAI reports a minor problem: {description}.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/status.py"/>
        <source>OpenAI reports a problem right now: {description}.</source>
        <translation>OpenAI reports a problem right now: {description}.</translation>
    </message>
</context>
<context>
    <name>steps</name>
    <message>
        <location filename="../../wizard/core/steps.py"/>
        <source>Sign-in page in your browser</source>
        <translation>Sign-in page in your browser</translation>
    </message>
    <message>
        <location filename="../../wizard/core/steps.py"/>
        <source>Browser returns to this computer</source>
        <translation>Browser returns to this computer</translation>
    </message>
    <message>
        <location filename="../../wizard/core/steps.py"/>
        <source>Codex receives the return</source>
        <translation>Codex receives the return</translation>
    </message>
    <message>
        <location filename="../../wizard/core/steps.py"/>
        <source>Codex completes sign-in with OpenAI</source>
        <translation>Codex completes sign-in with OpenAI</translation>
    </message>
    <message>
        <location filename="../../wizard/core/steps.py"/>
        <source>Sign-in is saved</source>
        <translation>Sign-in is saved</translation>
    </message>
    <message>
        <location filename="../../wizard/core/steps.py"/>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../../wizard/core/steps.py"/>
        <source>Ready</source>
        <translation>Ready</translation>
    </message>
    <message>
        <location filename="../../wizard/core/steps.py"/>
        <source>Needs a look</source>
        <translation>Needs a look</translation>
    </message>
    <message>
        <location filename="../../wizard/core/steps.py"/>
        <source>Problem here</source>
        <translation>Problem here</translation>
    </message>
    <message>
        <location filename="../../wizard/core/steps.py"/>
        <source>Not tested</source>
        <translation>Not tested</translation>
    </message>
</context>
<context>
    <name>store</name>
    <message>
        <location filename="../../wizard/checks/store.py"/>
        <source>Codex can save the sign-in in {path} (a test file was written and removed there).</source>
        <translation>Codex can save the sign-in in {path} (a test file was written and removed there).</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/store.py"/>
        <source>Codex cannot save the sign-in in {path}: {error}.</source>
        <translation>Codex cannot save the sign-in in {path}: {error}.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/store.py"/>
        <source>The system keyring ({backend}) is not there, so Codex uses the file instead.</source>
        <translation>The system keyring ({backend}) is not there, so Codex uses the file instead.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/store.py"/>
        <source>Codex saves the sign-in in the system keyring ({backend}), which is there and unlocked.</source>
        <translation>Codex saves the sign-in in the system keyring ({backend}), which is there and unlocked.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/store.py"/>
        <source>Codex saves the sign-in in the system keyring ({backend}); this tool does not ask it, since asking can open a password prompt.</source>
        <translation>Codex saves the sign-in in the system keyring ({backend}); this tool does not ask it, since asking can open a password prompt.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/store.py"/>
        <source>The system keyring ({backend}) is locked, so Codex may wait for it to be unlocked when it saves the sign-in.</source>
        <translation>The system keyring ({backend}) is locked, so Codex may wait for it to be unlocked when it saves the sign-in.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/store.py"/>
        <source>The system keyring ({backend}) does not answer, so Codex can hang when it saves the sign-in.</source>
        <translation>The system keyring ({backend}) does not answer, so Codex can hang when it saves the sign-in.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/store.py"/>
        <source>Codex is set to save the sign-in only in the system keyring ({backend}), but there is none to use here.</source>
        <translation>Codex is set to save the sign-in only in the system keyring ({backend}), but there is none to use here.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/store.py"/>
        <source>The system keyring ({backend}) gave an answer this tool does not understand: {detail}</source>
        <translation>The system keyring ({backend}) gave an answer this tool does not understand: {detail}</translation>
    </message>
</context>
<context>
    <name>tls</name>
    <message>
        <location filename="../../wizard/checks/tls.py"/>
        <source>Not tested: the connection to the sign-in server failed first.</source>
        <translation>Not tested: the connection to the sign-in server failed first.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/tls.py"/>
        <source>{host} presented no certificate.</source>
        <translation>{host} presented no certificate.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/tls.py"/>
        <source>{label}: trusted</source>
        <translation>{label}: trusted</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/tls.py"/>
        <source>{label}: NOT trusted</source>
        <translation>{label}: NOT trusted</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/tls.py"/>
        <source>The connection to {host} is trusted by Codex, but its certificates have flaws that stricter programs reject ({count} found).</source>
        <translation>The connection to {host} is trusted by Codex, but its certificates have flaws that stricter programs reject ({count} found).</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/tls.py"/>
        <source>The connection to {host} is secure and trusted by Codex.</source>
        <translation>The connection to {host} is secure and trusted by Codex.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/tls.py"/>
        <source>The certificate of {host} is not valid at this computer&apos;s date ({date}); check the clock.</source>
        <translation>The certificate of {host} is not valid at this computer&apos;s date ({date}); check the clock.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/tls.py"/>
        <source>{variable} ({path}) replaces this computer&apos;s certificate store for Codex, and it does not trust {host}; this computer&apos;s store would.</source>
        <translation>{variable} ({path}) replaces this computer&apos;s certificate store for Codex, and it does not trust {host}; this computer&apos;s store would.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/tls.py"/>
        <source>{issuer}, a {vendor} product</source>
        <translation>{issuer}, a {vendor} product</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/tls.py"/>
        <source>Codex does not trust the certificate {host} presents, issued by {who}.</source>
        <translation>Codex does not trust the certificate {host} presents, issued by {who}.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/tls.py"/>
        <source>({label} trusts it.)</source>
        <translation>({label} trusts it.)</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/tls.py"/>
        <source>Codex rejects the certificate {host} presents: {problem}</source>
        <translation>Codex rejects the certificate {host} presents: {problem}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/tls.py"/>
        <source>The secure connection to {host} does not complete: {detail}.</source>
        <translation>The secure connection to {host} does not complete: {detail}.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/tls.py"/>
        <source>Not tested: {detail} (see Proxy settings).</source>
        <translation>Not tested: {detail} (see Proxy settings).</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/tls.py"/>
        <source>Could not connect to {host} again to check the secure connection ({detail}).</source>
        <translation>Could not connect to {host} again to check the secure connection ({detail}).</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/tls.py"/>
        <source>The secure connection to {host} failed: {detail}.</source>
        <translation>The secure connection to {host} failed: {detail}.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/tls.py"/>
        <source>{origin} (this computer&apos;s own check could not be asked: {problem})</source>
        <translation>{origin} (this computer&apos;s own check could not be asked: {problem})</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/tls.py"/>
        <source>no certificate in this set vouches for the chain (unknown issuer)</source>
        <translation>no certificate in this set vouches for the chain (unknown issuer)</translation>
    </message>
    <message>
        <source>The certificate of {host} is not valid at this computer&apos;s date ({date} UTC); check the clock.</source>
        <translation type="vanished">The certificate of {host} is not valid at this computer&apos;s date ({date} UTC); check the clock.</translation>
    </message>
</context>
<context>
    <name>toml_edit</name>
    <message>
        <location filename="../../wizard/fixes/toml_edit.py"/>
        <source>it sets {table} in a form this fix does not edit; add {line} under [{table}] yourself</source>
        <translation>it sets {table} in a form this fix does not edit; add {line} under [{table}] yourself</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/toml_edit.py"/>
        <source>the change could not be made without touching other settings</source>
        <translation>the change could not be made without touching other settings</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/toml_edit.py"/>
        <source>it is not UTF-8 text</source>
        <translation>it is not UTF-8 text</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/toml_edit.py"/>
        <source>it cannot be read as TOML ({error})</source>
        <translation>it cannot be read as TOML ({error})</translation>
    </message>
</context>
<context>
    <name>trust</name>
    <message>
        <location filename="../../wizard/net/trust.py"/>
        <source>it cannot be read</source>
        <translation>it cannot be read</translation>
    </message>
    <message>
        <location filename="../../wizard/net/trust.py"/>
        <source>it holds no PEM certificate</source>
        <translation>it holds no PEM certificate</translation>
    </message>
    <message>
        <location filename="../../wizard/net/trust.py"/>
        <source>the file does not exist</source>
        <translation>the file does not exist</translation>
    </message>
    <message>
        <location filename="../../wizard/net/trust.py"/>
        <source>it is a folder, not a file</source>
        <translation>it is a folder, not a file</translation>
    </message>
    <message>
        <location filename="../../wizard/net/trust.py"/>
        <source>the folder does not exist</source>
        <translation>the folder does not exist</translation>
    </message>
    <message>
        <location filename="../../wizard/net/trust.py"/>
        <source>it is a file, not a folder</source>
        <translation>it is a file, not a folder</translation>
    </message>
    <message>
        <location filename="../../wizard/net/trust.py"/>
        <source>This computer&apos;s certificate store</source>
        <translation>This computer&apos;s certificate store</translation>
    </message>
    <message>
        <location filename="../../wizard/net/trust.py"/>
        <source>Public roots (certifi, used by Python tools)</source>
        <translation>Public roots (certifi, used by Python tools)</translation>
    </message>
    <message>
        <location filename="../../wizard/net/trust.py"/>
        <source>{name} in {dotenv} ({path})</source>
        <translation>{name} in {dotenv} ({path})</translation>
    </message>
    <message>
        <location filename="../../wizard/net/trust.py"/>
        <source>{files} instead of the OS store</source>
        <translation>{files} instead of the OS store</translation>
    </message>
    <message>
        <location filename="../../wizard/net/trust.py"/>
        <source>the OS store ({origin})</source>
        <translation>the OS store ({origin})</translation>
    </message>
    <message>
        <location filename="../../wizard/net/trust.py"/>
        <source>plus {file}</source>
        <translation>plus {file}</translation>
    </message>
    <message>
        <location filename="../../wizard/net/trust.py"/>
        <source>What Codex trusts with your settings</source>
        <translation>What Codex trusts with your settings</translation>
    </message>
    <message>
        <location filename="../../wizard/net/trust.py"/>
        <source>the server presented no certificate</source>
        <translation>the server presented no certificate</translation>
    </message>
    <message>
        <location filename="../../wizard/net/trust.py"/>
        <source>no certificates to trust</source>
        <translation>no certificates to trust</translation>
    </message>
</context>
<context>
    <name>ui_guidance</name>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Your editor (VS Code, Cursor, Windsurf …)</source>
        <translation>Your editor (VS Code, Cursor, Windsurf …)</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>{editors} runs Codex inside WSL (Linux on Windows). Turning that off makes Codex receive the browser&apos;s return on Windows, where the browser sends it.</source>
        <translation>{editors} runs Codex inside WSL (Linux on Windows). Turning that off makes Codex receive the browser&apos;s return on Windows, where the browser sends it.</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>In the editor, open Settings (File &gt; Preferences &gt; Settings, or Ctrl+,).</source>
        <translation>In the editor, open Settings (File &gt; Preferences &gt; Settings, or Ctrl+,).</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Type codex in the search box.</source>
        <translation>Type codex in the search box.</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Find &apos;Chatgpt: Run Codex In Windows Subsystem For Linux&apos; and turn it off (its setting id is under Details).</source>
        <translation>Find &apos;Chatgpt: Run Codex In Windows Subsystem For Linux&apos; and turn it off (its setting id is under Details).</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>The editor reloads. Then sign in to Codex again.</source>
        <translation>The editor reloads. Then sign in to Codex again.</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>your organisation&apos;s security program</source>
        <translation>your organisation&apos;s security program</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>The connection is re-signed by {issuer}. Codex signs in once it trusts that certificate too.</source>
        <translation>The connection is re-signed by {issuer}. Codex signs in once it trusts that certificate too.</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Ask IT for the root certificate of {issuer} as a PEM file (a text file that starts with -----BEGIN CERTIFICATE-----).</source>
        <translation>Ask IT for the root certificate of {issuer} as a PEM file (a text file that starts with -----BEGIN CERTIFICATE-----).</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Save it somewhere permanent, then choose it with the button above.</source>
        <translation>Save it somewhere permanent, then choose it with the button above.</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Quit and restart the editor or terminal completely (it reads this setting only when it starts), then sign in again.</source>
        <translation>Quit and restart the editor or terminal completely (it reads this setting only when it starts), then sign in again.</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Open the Start menu, type &apos;environment&apos; and choose &apos;Edit environment variables for your account&apos;.</source>
        <translation>Open the Start menu, type &apos;environment&apos; and choose &apos;Edit environment variables for your account&apos;.</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Select {name}, then click Delete (or Edit to correct it) and OK.</source>
        <translation>Select {name}, then click Delete (or Edit to correct it) and OK.</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Restart the editor or terminal, then sign in again.</source>
        <translation>Restart the editor or terminal, then sign in again.</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Find the line that sets {name} in your shell profile (~/.profile, ~/.bashrc or ~/.zshrc) and remove or correct it.</source>
        <translation>Find the line that sets {name} in your shell profile (~/.profile, ~/.bashrc or ~/.zshrc) and remove or correct it.</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Open a new terminal (or restart the editor), then sign in again.</source>
        <translation>Open a new terminal (or restart the editor), then sign in again.</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Remove the broken setting {name}</source>
        <translation>Remove the broken setting {name}</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>{name} points at a file that cannot be used, so Codex fails at the token exchange, after the browser step.</source>
        <translation>{name} points at a file that cannot be used, so Codex fails at the token exchange, after the browser step.</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Remove or correct the proxy setting</source>
        <translation>Remove or correct the proxy setting</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Codex is told to use the proxy {proxy} ({source}). Remove that setting if you do not need a proxy, or ask IT for the right address.</source>
        <translation>Codex is told to use the proxy {proxy} ({source}). Remove that setting if you do not need a proxy, or ask IT for the right address.</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Port {port} is held by {holder}. Codex needs it to receive the browser&apos;s return.</source>
        <translation>Port {port} is held by {holder}. Codex needs it to receive the browser&apos;s return.</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Codex needs port {ports} to receive the browser&apos;s return, but {holders}.</source>
        <translation>Codex needs port {ports} to receive the browser&apos;s return, but {holders}.</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Codex needs port {port} to receive the browser&apos;s return; if another program holds it, sign-in fails.</source>
        <translation>Codex needs port {port} to receive the browser&apos;s return; if another program holds it, sign-in fails.</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Free port {port}</source>
        <translation>Free port {port}</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Close other editor windows and Codex apps, then sign in again.</source>
        <translation>Close other editor windows and Codex apps, then sign in again.</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Still busy? The command under Details shows which program holds the port; close that program (or restart the computer).</source>
        <translation>Still busy? The command under Details shows which program holds the port; close that program (or restart the computer).</translation>
    </message>
    <message>
        <source>Find &apos;Chatgpt: Run Codex In Windows Subsystem For Linux&apos; and turn it off (its setting id is below).</source>
        <translation type="vanished">Find &apos;Chatgpt: Run Codex In Windows Subsystem For Linux&apos; and turn it off (its setting id is below).</translation>
    </message>
    <message>
        <source>Save it somewhere permanent and put its path in the command below, then run it.</source>
        <translation type="vanished">Save it somewhere permanent and put its path in the command below, then run it.</translation>
    </message>
    <message>
        <source>Still busy? The command below shows which program holds the port; close that program (or restart the computer).</source>
        <translation type="vanished">Still busy? The command below shows which program holds the port; close that program (or restart the computer).</translation>
    </message>
    <message>
        <source>{name} points at a file that cannot be used, so Codex stops before it signs in.</source>
        <translation type="vanished">{name} points at a file that cannot be used, so Codex stops before it signs in.</translation>
    </message>
</context>
<context>
    <name>watch</name>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>a program this account cannot see</source>
        <translation>a program this account cannot see</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>Watching ports {ports} and Codex&apos;s logs for {seconds:g} s: sign in now.</source>
        <translation>Watching ports {ports} and Codex&apos;s logs for {seconds:g} s: sign in now.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>Reading Codex&apos;s sign-in log {path} (the CODEX_HOME the checks used).</source>
        <translation>Reading Codex&apos;s sign-in log {path} (the CODEX_HOME the checks used).</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source> on {address}</source>
        <translation> on {address}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source> ({tool}, an account switcher or local proxy tool)</source>
        <translation> ({tool}, an account switcher or local proxy tool)</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>port {port}: {holder} was already listening{where}{what}</source>
        <translation>port {port}: {holder} was already listening{where}{what}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>port {port}: {holder} started listening{where}{what}</source>
        <translation>port {port}: {holder} started listening{where}{what}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>port {port}: {holder} stopped listening</source>
        <translation>port {port}: {holder} stopped listening</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>a browser or other program</source>
        <translation>a browser or other program</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>port {port}: a connection from {client} was received by {who}</source>
        <translation>port {port}: a connection from {client} was received by {who}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>{source} problem: {meaning} ({line})</source>
        <translation>{source} problem: {meaning} ({line})</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>{source} note: {meaning} ({line})</source>
        <translation>{source} note: {meaning} ({line})</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>{listeners} is listening. Waiting for the browser&apos;s return…</source>
        <translation>{listeners} is listening. Waiting for the browser&apos;s return…</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>Nothing is listening yet. Start the sign-in in Codex now.</source>
        <translation>Nothing is listening yet. Start the sign-in in Codex now.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>The browser&apos;s return on port {port} was received by {who}, not by Codex.</source>
        <translation>The browser&apos;s return on port {port} was received by {who}, not by Codex.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>That is {tool}, an account switcher or local proxy tool: quit it, then sign in again.</source>
        <translation>That is {tool}, an account switcher or local proxy tool: quit it, then sign in again.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>The browser&apos;s return on port {port} reached Codex ({receiver}), but the sign-in then failed: {failure}</source>
        <translation>The browser&apos;s return on port {port} reached Codex ({receiver}), but the sign-in then failed: {failure}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>The browser&apos;s return on port {port} reached Codex ({receiver}) and no error was logged.</source>
        <translation>The browser&apos;s return on port {port} reached Codex ({receiver}) and no error was logged.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>No browser return arrived on port {ports}, and Codex logged a failure: {failure}</source>
        <translation>No browser return arrived on port {ports}, and Codex logged a failure: {failure}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>{listeners} listened, but no browser return arrived on port {ports} within {duration}.</source>
        <translation>{listeners} listened, but no browser return arrived on port {ports} within {duration}.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>Nothing listened on port {ports} and no browser return arrived within {duration}: start the sign-in while watching.</source>
        <translation>Nothing listened on port {ports} and no browser return arrived within {duration}: start the sign-in while watching.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>Windows itself (http.sys)</source>
        <translation>Windows itself (http.sys)</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>a program</source>
        <translation>a program</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>{n:g} second</source>
        <translation>{n:g} second</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>{n:g} seconds</source>
        <translation>{n:g} seconds</translation>
    </message>
</context>
<context>
    <name>words</name>
    <message>
        <location filename="../../wizard/checks/ca_env.py"/>
        <location filename="../../wizard/core/i18n.py"/>
        <location filename="../../wizard/fixes/apply.py"/>
        <source>, </source>
        <translation>, </translation>
    </message>
    <message>
        <location filename="../../wizard/core/i18n.py"/>
        <source>{sentence} {following}</source>
        <translation>{sentence} {following}</translation>
    </message>
    <message>
        <location filename="../../wizard/core/i18n.py"/>
        <source>{first} and {last}</source>
        <translation>{first} and {last}</translation>
    </message>
    <message>
        <location filename="../../wizard/core/i18n.py"/>
        <source>{first} or {last}</source>
        <translation>{first} or {last}</translation>
    </message>
</context>
<context>
    <name>wsl</name>
    <message>
        <location filename="../../wizard/checks/wsl.py"/>
        <source>WSL is not installed, so it cannot interfere.</source>
        <translation>WSL is not installed, so it cannot interfere.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/wsl.py"/>
        <source>Only relevant on Windows.</source>
        <translation>Only relevant on Windows.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/wsl.py"/>
        <source>WSL did not answer in time.</source>
        <translation>WSL did not answer in time.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/wsl.py"/>
        <source>WSL is installed without any Linux system, so Codex cannot run in it.</source>
        <translation>WSL is installed without any Linux system, so Codex cannot run in it.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/wsl.py"/>
        <source>WSL is installed but did not list its Linux systems.</source>
        <translation>WSL is installed but did not list its Linux systems.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/wsl.py"/>
        <source>The Codex app runs its agent inside WSL ({where}).</source>
        <translation>The Codex app runs its agent inside WSL ({where}).</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/wsl.py"/>
        <source>The Codex app&apos;s terminal runs inside WSL ({where}).</source>
        <translation>The Codex app&apos;s terminal runs inside WSL ({where}).</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/wsl.py"/>
        <source>{editors} runs Codex inside WSL ({where}).</source>
        <translation>{editors} runs Codex inside WSL ({where}).</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/wsl.py"/>
        <source>{editors} run Codex inside WSL ({where}).</source>
        <translation>{editors} run Codex inside WSL ({where}).</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/wsl.py"/>
        <source>WSL is installed ({where}); no editor runs Codex inside it.</source>
        <translation>WSL is installed ({where}); no editor runs Codex inside it.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/wsl.py"/>
        <source>, {mode} networking</source>
        <translation>, {mode} networking</translation>
    </message>
</context>
<context>
    <name>wsl_network</name>
    <message>
        <location filename="../../wizard/checks/wsl_network.py"/>
        <source>Only relevant inside WSL.</source>
        <translation>Only relevant inside WSL.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/wsl_network.py"/>
        <source>Codex runs inside WSL ({mode} networking) and is told to use the proxy {proxy}, but nothing inside WSL listens there: a proxy program on Windows cannot be reached at WSL&apos;s own loopback address.</source>
        <translation>Codex runs inside WSL ({mode} networking) and is told to use the proxy {proxy}, but nothing inside WSL listens there: a proxy program on Windows cannot be reached at WSL&apos;s own loopback address.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/wsl_network.py"/>
        <source>none</source>
        <translation>none</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/wsl_network.py"/>
        <source>The name server WSL set for Linux in /etc/resolv.conf ({nameservers}) does not find {host}.</source>
        <translation>The name server WSL set for Linux in /etc/resolv.conf ({nameservers}) does not find {host}.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/wsl_network.py"/>
        <source>Codex runs inside WSL ({mode} networking); its proxy, packet size and name server show no known WSL problem.</source>
        <translation>Codex runs inside WSL ({mode} networking); its proxy, packet size and name server show no known WSL problem.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/wsl_network.py"/>
        <source>Not relevant: Codex does not run inside WSL here.</source>
        <translation>Not relevant: Codex does not run inside WSL here.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/wsl_network.py"/>
        <source>Could not compare WSL&apos;s packet size with this computer&apos;s.</source>
        <translation>Could not compare WSL&apos;s packet size with this computer&apos;s.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/wsl_network.py"/>
        <source>WSL&apos;s packet size matches this computer&apos;s connections.</source>
        <translation>WSL&apos;s packet size matches this computer&apos;s connections.</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/wsl_network.py"/>
        <source>WSL sends packets of up to {eth0_mtu} bytes, but the Windows connection {adapter} carries only {adapter_mtu}: connections open, then secure connections can stall.</source>
        <translation>WSL sends packets of up to {eth0_mtu} bytes, but the Windows connection {adapter} carries only {adapter_mtu}: connections open, then secure connections can stall.</translation>
    </message>
</context>
</TS>
