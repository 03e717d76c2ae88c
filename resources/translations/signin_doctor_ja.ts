<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP" sourcelanguage="en_US">
<context>
    <name>SigninDoctor</name>
    <message>
        <location filename="../../wizard/ui/accessibility.py"/>
        <source>Step {n} of {total}: {label} — {state}</source>
        <translation>手順 {n}/{total}: {label} — {state}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/accessibility.py"/>
        <source>{detail}. Press Enter to see what was checked for this step.</source>
        <translation>{detail}。Enter キーを押すと、この手順で確認した内容が表示されます。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/accessibility.py"/>
        <source>Goes back to the previous step.</source>
        <translation>前の画面に戻ります。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/accessibility.py"/>
        <source>Goes on to the next step.</source>
        <translation>次の画面に進みます。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/accessibility.py"/>
        <source>Closes Sign-in Doctor.</source>
        <translation>Sign-in Doctor を閉じます。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/accessibility.py"/>
        <source>Stops the checks if they are running; otherwise closes.</source>
        <translation>チェック中ならチェックを止めます。それ以外のときは閉じます。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/accessibility.py"/>
        <source>Watches your next sign-in attempt and explains what fails.</source>
        <translation>次のサインインを見守り、何が失敗するかを説明します。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/after_fix.py"/>
        <source>One more step before it works:</source>
        <translation>うまくいくまで、あと 1 つの手順があります:</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/after_fix.py"/>
        <source>Then press Check again.</source>
        <translation>そのあと「もう一度チェック」を押してください。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/after_fix.py"/>
        <source>Fixed on this computer. Now:</source>
        <translation>このコンピューターでは直りました。次にすること:</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/after_fix.py"/>
        <source>Fixed on this computer. Now sign in again.</source>
        <translation>このコンピューターでは直りました。もう一度サインインしてください。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/after_fix.py"/>
        <source>What to do now</source>
        <translation>いますること</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/after_fix.py"/>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <source>Check again</source>
        <translation>もう一度チェック</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/after_fix.py"/>
        <source>Runs the checks again, after you have done the step above.</source>
        <translation>上の手順を済ませたあと、もう一度チェックします。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/after_fix.py"/>
        <source>Did sign-in work?</source>
        <translation>サインインできましたか?</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/after_fix.py"/>
        <source>Yes, it worked</source>
        <translation>はい、できました</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/after_fix.py"/>
        <source>Ends here: sign-in works.</source>
        <translation>ここで終わります: サインインできています。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/after_fix.py"/>
        <source>No, it still fails</source>
        <translation>いいえ、まだ失敗します</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/after_fix.py"/>
        <source>Goes back to the result, where you can save the case for your help desk.</source>
        <translation>結果に戻ります。そこからヘルプデスク向けにケースを保存できます。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/checked_panel.py"/>
        <source>What was checked ({count} checks)</source>
        <translation>確認したこと（{count} 項目）</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/checked_panel.py"/>
        <source>Worked: {names}.</source>
        <translation>問題なし: {names}。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/checked_panel.py"/>
        <source>Not checked: {names}.</source>
        <translation>未確認: {names}。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/diagram.py"/>
        <source>Sign-in steps</source>
        <translation>サインインの手順</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/diagram.py"/>
        <source>{label}: {state}. Click to see what was checked.</source>
        <translation>{label}: {state}。クリックすると確認した内容が表示されます。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/history_view.py"/>
        <source>Before the fix</source>
        <translation>修正前</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/history_view.py"/>
        <source>After the fix</source>
        <translation>修正後</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/history_view.py"/>
        <source>Before undoing</source>
        <translation>元に戻す前</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/history_view.py"/>
        <source>After undoing</source>
        <translation>元に戻した後</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/history_view.py"/>
        <source>Last time ({when})</source>
        <translation>前回（{when}）</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/history_view.py"/>
        <source>Now</source>
        <translation>今回</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/history_view.py"/>
        <source>{check}: {before} → {after}</source>
        <translation>{check}: {before} → {after}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/history_view.py"/>
        <source>Before and after</source>
        <translation>前と後</translation>
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
        <translation>原因不明</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/history_view.py"/>
        <location filename="../../wizard/ui/text.py"/>
        <source>Problem</source>
        <translation>問題あり</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/history_view.py"/>
        <source>{heading}: {word} — {title}</source>
        <translation>{heading}: {word} — {title}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/history_view.py"/>
        <source>… and {n} more</source>
        <translation>…ほか {n} 件</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/language.py"/>
        <source>Language</source>
        <translation>言語</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/language.py"/>
        <source>The language of Sign-in Doctor. Changing it redraws the window.</source>
        <translation>Sign-in Doctor の表示言語です。変更するとウィンドウを作り直します。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <source>This check took too long and was stopped.</source>
        <translation>このチェックは時間がかかりすぎたため、止めました。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <source>This check ran into a problem of its own. The details are in the report.</source>
        <translation>このチェック自体に問題が起きました。詳しくはレポートにあります。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <source>Checking this computer</source>
        <translation>このコンピューターをチェックしています</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <source>This takes a few seconds. Nothing is changed.</source>
        <translation>数秒かかります。何も変更しません。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <source>Checks done</source>
        <translation>完了したチェック</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <source>%v of %m checks done</source>
        <translation>%m 件中 %v 件のチェックが完了</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <source>How many of the checks have finished.</source>
        <translation>完了したチェックの数です。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <source>Progress</source>
        <translation>進み具合</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <location filename="../../wizard/ui/watch_dialog.py"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <source>Stop checking</source>
        <translation>チェックを停止</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <source>Stops the checks that are still running. Nothing is changed.</source>
        <translation>実行中のチェックを止めます。何も変更しません。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <source>Runs every check again from the start.</source>
        <translation>すべてのチェックを最初からやり直します。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <location filename="../../wizard/ui/widgets.py"/>
        <source>Checking…</source>
        <translation>チェック中…</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <source>Stopping…</source>
        <translation>停止中…</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <source>Stopped before it finished.</source>
        <translation>終わる前に停止しました。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <source>Done.</source>
        <translation>完了しました。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <source>Stopped after %v of %m checks</source>
        <translation>%m 件中 %v 件で停止しました</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <source>Stopped. Nothing was changed. Press Check again to start over.</source>
        <translation>停止しました。何も変更していません。やり直すには「もう一度チェック」を押してください。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/checking.py"/>
        <source>Sign-in Doctor could not finish checking. Press Check again to retry.</source>
        <translation>Sign-in Doctor はチェックを完了できませんでした。「もう一度チェック」を押して、やり直してください。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/done.py"/>
        <source>Done</source>
        <translation>完了</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/done.py"/>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <location filename="../../wizard/ui/pages/share.py"/>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Close</source>
        <translation>閉じる</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/done.py"/>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>No problem found</source>
        <translation>問題は見つかりませんでした</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/done.py"/>
        <source>Sign-in works</source>
        <translation>サインインできました</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/done.py"/>
        <source>Good: Codex is signed in. You can close Sign-in Doctor. If sign-in fails again, open it again (this was case {case_id}).</source>
        <translation>よかったです。Codex にサインインできました。Sign-in Doctor は閉じてかまいません。またサインインに失敗したら、もう一度開いてください（今回のケースは {case_id} です）。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Variables for your user account:</source>
        <translation>ユーザーアカウントの環境変数:</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>(no change)</source>
        <translation>（変更なし）</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>File {path}:</source>
        <translation>ファイル {path}:</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Not done automatically: {reason}</source>
        <translation>自動では行いません: {reason}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Choose the certificate file IT gave you…</source>
        <translation>IT 部門から受け取った証明書ファイルを選ぶ…</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Pick the root certificate file your IT department gave you.</source>
        <translation>IT 部門から受け取ったルート証明書のファイルを選びます。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Command {n}</source>
        <translation>コマンド {n}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Open the status page</source>
        <translation>ステータスページを開く</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Opens OpenAI&apos;s status page in your browser.</source>
        <translation>OpenAI のステータスページをブラウザーで開きます。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Details</source>
        <translation>詳細</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>What will change:</source>
        <translation>変更される内容:</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>What will change</source>
        <translation>変更される内容</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Exactly what Apply changes on this computer.</source>
        <translation>「適用」でこのコンピューターに加わる変更そのものです。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Afterwards: </source>
        <translation>そのあと: </translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>End {name}</source>
        <translation>{name} を終了</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Asks you first, then ends that program and checks again.</source>
        <translation>先に確認してから、そのプログラムを終了し、もう一度チェックします。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Apply</source>
        <translation>適用</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Apply: {title}</source>
        <translation>適用: {title}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Makes the change shown above, then checks again. You can undo it.</source>
        <translation>上に示した変更を行い、もう一度チェックします。元に戻すこともできます。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Undo</source>
        <translation>元に戻す</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Undo: {title}</source>
        <translation>元に戻す: {title}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Puts back exactly what was there before, then checks again.</source>
        <translation>変更前の状態にそのまま戻し、もう一度チェックします。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Details: {title}</source>
        <translation>詳細: {title}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>How to fix it</source>
        <translation>直し方</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Preparing the steps…</source>
        <translation>手順を準備しています…</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>What to do next</source>
        <translation>次にすること</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>There is nothing to change on this computer. Share the report with your help desk or OpenAI support.</source>
        <translation>このコンピューターで変更するものはありません。レポートをヘルプデスクまたは OpenAI サポートに共有してください。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Choose your organisation&apos;s root certificate</source>
        <translation>組織のルート証明書を選ぶ</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation>証明書 (*.pem *.crt *.cer);;すべてのファイル (*)</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>End {name}?</source>
        <translation>{name} を終了しますか?</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Sign-in Doctor ends {name} so that Codex can use the port. Anything unsaved in {name} is lost.</source>
        <translation>Codex がポートを使えるように、Sign-in Doctor が {name} を終了します。{name} で保存していない内容は失われます。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Applying…</source>
        <translation>適用中…</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Undoing…</source>
        <translation>元に戻しています…</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Checking again…</source>
        <translation>もう一度チェックしています…</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Nothing was changed.</source>
        <translation>何も変更していません。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Checked again: {title}.</source>
        <translation>もう一度チェックしました: {title}。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Changed on this computer.</source>
        <translation>このコンピューターの設定を変更しました。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/fix.py"/>
        <source>Checked again: the problem is still there ({title}).</source>
        <translation>もう一度チェックしました: 問題はまだ残っています（{title}）。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>WARN</source>
        <translation>注意</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>PROBLEM</source>
        <translation>問題あり</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>not checked</source>
        <translation>未確認</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>could not check</source>
        <translation>チェックできず</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Sign-in Doctor - case {case_id}</source>
        <translation>Sign-in Doctor - ケース {case_id}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Result: {title}</source>
        <translation>結果: {title}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>What to do: {action}</source>
        <translation>次にすること: {action}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Failing step: {number}. {label} ({step})</source>
        <translation>失敗している手順: {number}. {label}（{step}）</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Also found: {causes}</source>
        <translation>ほかに見つかった問題: {causes}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Checked: {url} at {time}</source>
        <translation>チェック: {url}（{time}）</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Checks:</source>
        <translation>チェック:</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Error message seen: {meaning}</source>
        <translation>表示されたエラーメッセージ: {meaning}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Share with your help desk</source>
        <translation>ヘルプデスクに共有する</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Case number</source>
        <translation>ケース番号</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Save the report</source>
        <translation>レポートを保存する</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>See exactly what will be saved…</source>
        <translation>保存される内容を確認する…</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Shows the report files before saving, and lets you hide more from them.</source>
        <translation>保存する前にレポートのファイルを表示し、さらに隠す項目を選べます。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Folder for the report</source>
        <translation>レポートの保存先フォルダー</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>The report is saved in a new folder named after the case, inside this one.</source>
        <translation>レポートは、このフォルダーの中に作るケース名の新しいフォルダーに保存されます。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Choose folder…</source>
        <translation>フォルダーを選ぶ…</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Opens a window to pick another folder.</source>
        <translation>別のフォルダーを選ぶウィンドウを開きます。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Folder:</source>
        <translation>フォルダー:</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Save report</source>
        <translation>レポートを保存</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Saves the report files shown in the preview into the folder above.</source>
        <translation>プレビューで表示したレポートのファイルを、上のフォルダーに保存します。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Save picture of the result</source>
        <translation>結果の画像を保存</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Saves a picture of the result, with the case number on it, into the folder.</source>
        <translation>ケース番号入りの結果の画像をフォルダーに保存します。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Open folder</source>
        <translation>フォルダーを開く</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Opens the folder with the saved report, to attach it to an e-mail or ticket.</source>
        <translation>保存したレポートのフォルダーを開きます。メールやチケットに添付するときに使います。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Summary to paste</source>
        <translation>貼り付け用の要約</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Paste this into an e-mail, chat or support ticket.</source>
        <translation>これをメール、チャット、またはサポートへの問い合わせに貼り付けてください。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>The same words the Copy summary button copies.</source>
        <translation>「要約をコピー」ボタンでコピーされる内容と同じです。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Copy summary</source>
        <translation>要約をコピー</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Copies the summary so you can paste it into an e-mail, chat or ticket.</source>
        <translation>要約をコピーして、メール、チャット、問い合わせに貼り付けられるようにします。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Give your help desk or OpenAI support this case number:</source>
        <translation>ヘルプデスクまたは OpenAI サポートに、このケース番号を伝えてください:</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>The report holds the results of every check and the verdict, as JSON, HTML and text.</source>
        <translation>レポートには、すべてのチェックの結果と診断結果が JSON、HTML、テキストの形式で入っています。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Removed before saving: {removed}.</source>
        <translation>保存前に取り除いたもの: {removed}。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Passwords, sign-in codes, e-mail addresses and your user name are always removed.</source>
        <translation>パスワード、サインインのコード、メールアドレス、ユーザー名は必ず取り除きます。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Also hidden: {items}.</source>
        <translation>ほかに隠したもの: {items}。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Choose a folder</source>
        <translation>フォルダーを選ぶ</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <location filename="../../wizard/ui/widgets.py"/>
        <source>Copied</source>
        <translation>コピーしました</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Saved:</source>
        <translation>保存しました:</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/share.py"/>
        <source>Could not save there. Choose another folder and try again.</source>
        <translation>そこには保存できませんでした。別のフォルダーを選んで、もう一度試してください。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Some checks could not run, so Sign-in Doctor cannot name a cause.</source>
        <translation>一部のチェックを実行できなかったため、Sign-in Doctor は原因を特定できません。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Some checks did not pass, but none of them proves a known cause: {names}.</source>
        <translation>いくつかのチェックが通りませんでしたが、既知の原因を示すものはありません: {names}。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Result</source>
        <translation>結果</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Share…</source>
        <translation>共有…</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Verdict</source>
        <translation>診断結果</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Cause</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>About your error message</source>
        <translation>エラーメッセージについて</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>The checks behind the result, with their technical details.</source>
        <translation>この結果の根拠になったチェックと、その技術的な詳細です。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Shows or hides the technical details of the checks.</source>
        <translation>チェックの技術的な詳細を表示または非表示にします。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Problem found</source>
        <translation>問題が見つかりました</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Case {case_id}</source>
        <translation>ケース {case_id}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>What to do:</source>
        <translation>次にすること:</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Also found: {causes}.</source>
        <translation>ほかに見つかった問題: {causes}。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Opens the steps that fix this problem.</source>
        <translation>この問題を直す手順を開きます。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Opens the page where you save the report for your help desk.</source>
        <translation>ヘルプデスク向けのレポートを保存する画面を開きます。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Codex on port {port}</source>
        <translation>ポート {port} の Codex</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Get help from your help desk</source>
        <translation>ヘルプデスクに相談する</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Fix it</source>
        <translation>修正する</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Show me how</source>
        <translation>直し方を見る</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Step {n}</source>
        <translation>手順 {n}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>No check on this computer can test this step; it happens in your browser and at OpenAI.</source>
        <translation>この手順はブラウザーと OpenAI 側で行われるため、このコンピューターのチェックでは確認できません。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Why Sign-in Doctor thinks so</source>
        <translation>Sign-in Doctor がそう判断した理由</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Technical summary</source>
        <translation>技術的な概要</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Every check</source>
        <translation>すべてのチェック</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/verdict.py"/>
        <source>Click a step in the picture above to see what was checked for it.</source>
        <translation>上の図の手順をクリックすると、その手順で確認した内容が表示されます。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/welcome.py"/>
        <source>Why can&apos;t I sign in to Codex?</source>
        <translation>Codex にサインインできないのはなぜ？</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/welcome.py"/>
        <source>Start checking</source>
        <translation>チェックを開始</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/welcome.py"/>
        <source>Sign-in Doctor checks this computer for the usual reasons why signing in to Codex with ChatGPT fails, and shows you how to fix it.</source>
        <translation>Sign-in Doctor は、ChatGPT で Codex にサインインできないときのよくある原因をこのコンピューターで調べ、直し方を示します。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/welcome.py"/>
        <source>It looks at:</source>
        <translation>調べる内容:</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/welcome.py"/>
        <source>the way from this computer to OpenAI&apos;s sign-in server: network, proxy, certificates and clock</source>
        <translation>このコンピューターから OpenAI のサインインサーバーまでの経路: ネットワーク、プロキシ、証明書、時計</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/welcome.py"/>
        <source>the port Codex uses to receive your browser&apos;s return after you sign in</source>
        <translation>サインイン後、Codex がブラウザーからの戻りを受け取るポート</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/welcome.py"/>
        <source>your editor&apos;s Codex settings and Codex&apos;s last sign-in attempt</source>
        <translation>エディターの Codex の設定と、前回のサインインの記録</translation>
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
        <translation>確認なしに何かを変更することはありません。接続するのは OpenAI のサインインサーバーとこのコンピューターだけで、ほかにはどこにも何も送りません。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/welcome.py"/>
        <source>Did you see an error message? Paste it here (optional):</source>
        <translation>エラーメッセージが表示されましたか？ ここに貼り付けてください（任意）:</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/welcome.py"/>
        <source>For example: {example}</source>
        <translation>例: {example}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/welcome.py"/>
        <source>The error message you saw</source>
        <translation>表示されたエラーメッセージ</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/welcome.py"/>
        <source>Optional. Paste the error text here; its meaning is shown below the box. Enter starts a new line; Ctrl+Enter starts the checks.</source>
        <translation>任意です。エラーの文章をここに貼り付けてください。意味がこの欄の下に表示されます。Enter キーで改行、Ctrl+Enter キーでチェックを開始します。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/welcome.py"/>
        <source>What the error message means</source>
        <translation>エラーメッセージの意味</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/welcome.py"/>
        <source>Sign-in Doctor does not recognise this message, but the checks look at everything anyway. It will be included in the report.</source>
        <translation>Sign-in Doctor はこのメッセージを知りませんが、チェックではすべてを調べます。メッセージはレポートに含めます。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/welcome.py"/>
        <source>What this means: {meaning}</source>
        <translation>意味: {meaning}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/pages/welcome.py"/>
        <source>What this means:</source>
        <translation>意味:</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/redaction_preview.py"/>
        <source>Always removed, and cannot be shown: {found}.</source>
        <translation>必ず取り除かれ、表示できないもの: {found}。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/redaction_preview.py"/>
        <source>Always removed when found: passwords, sign-in codes and tokens, API keys, e-mail addresses and your user name. None were found in this report.</source>
        <translation>見つかれば必ず取り除くもの: パスワード、サインインのコードとトークン、API キー、メールアドレス、ユーザー名。このレポートには見つかりませんでした。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/redaction_preview.py"/>
        <source>What the report will contain</source>
        <translation>レポートに含まれる内容</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/redaction_preview.py"/>
        <source>Always removed</source>
        <translation>必ず取り除くもの</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/redaction_preview.py"/>
        <source>Also hide (for you to choose):</source>
        <translation>さらに隠す（選べます）:</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/redaction_preview.py"/>
        <source>Also hide</source>
        <translation>さらに隠す</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/redaction_preview.py"/>
        <source>Each item you tick is taken out of the report. Space ticks or unticks.</source>
        <translation>チェックを入れた項目はレポートから取り除かれます。スペースキーでチェックを切り替えます。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/redaction_preview.py"/>
        <source>Report files</source>
        <translation>レポートのファイル</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/redaction_preview.py"/>
        <source>The files exactly as they will be saved.</source>
        <translation>保存されるとおりのファイルです。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/redaction_preview.py"/>
        <source>The content of {name}, exactly as it will be saved.</source>
        <translation>{name} の内容（保存されるとおり）。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/redaction_preview.py"/>
        <source>Closes this view. Nothing is saved here.</source>
        <translation>この画面を閉じます。ここでは何も保存しません。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/redaction_preview.py"/>
        <source>There is no result yet, so there is no report to show.</source>
        <translation>まだ結果がないため、表示するレポートはありません。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/redaction_preview.py"/>
        <source>This is exactly what will be saved for case {case_id}. Nothing has been saved yet.</source>
        <translation>これがケース {case_id} で保存される内容そのものです。まだ何も保存していません。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/redaction_preview.py"/>
        <source>{label} (1 place)</source>
        <translation>{label}（1 か所）</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/redaction_preview.py"/>
        <source>{label} ({count} places)</source>
        <translation>{label}（{count} か所）</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/text.py"/>
        <source>Warning</source>
        <translation>注意</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/text.py"/>
        <source>Not checked</source>
        <translation>未確認</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/text.py"/>
        <source>Could not check</source>
        <translation>チェックできず</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Start</source>
        <translation>開始</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <location filename="../../wizard/ui/widgets.py"/>
        <source>Checking</source>
        <translation>チェック</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Fix</source>
        <translation>修正</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Share</source>
        <translation>共有</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Click the button that says “{button}” at the bottom of the window.</source>
        <translation>ウィンドウの下にある「{button}」ボタンをクリックしてください。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Click the button that says “{button}”.</source>
        <translation>「{button}」ボタンをクリックしてください。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Look for the window called “{title}”.</source>
        <translation>「{title}」という名前のウィンドウを探してください。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>If you saw an error message, copy it and paste it into the big box. This is optional.</source>
        <translation>エラーメッセージが表示されていたら、それをコピーして大きなボックスに貼り付けてください。これは任意です。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Wait a few seconds while the checks run. Nothing on your computer is changed.</source>
        <translation>チェックが終わるまで数秒お待ちください。コンピューターは何も変更されません。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Each line turns to “{ok}”, “{warning}” or “{problem}”.</source>
        <translation>それぞれの行が「{ok}」「{warning}」「{problem}」のどれかに変わります。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Read me the lines that say “{problem}”.</source>
        <translation>「{problem}」と表示された行を読み上げてください。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>If nothing moves for a minute, click “{stop}”.</source>
        <translation>1 分たっても何も動かなければ、「{stop}」をクリックしてください。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>To run the checks again, click “{again}”.</source>
        <translation>チェックをやり直すには、「{again}」をクリックしてください。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>When every check is done, the result opens by itself.</source>
        <translation>すべてのチェックが終わると、結果が自動で開きます。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Read me the large line at the top. It says: “{headline}”.</source>
        <translation>一番上の大きな文字を読み上げてください。「{headline}」と書かれています。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>In the picture, step {n} “{step}” is marked “{marker}”.</source>
        <translation>図の手順 {n}「{step}」に「{marker}」と表示されています。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>If I ask for the details, click “{details}” below it.</source>
        <translation>詳しい内容をお願いしたら、その下の「{details}」をクリックしてください。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Wait a moment while the steps are prepared.</source>
        <translation>手順を準備していますので、少しお待ちください。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Then click “{button}”.</source>
        <translation>そのあと「{button}」をクリックしてください。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Look at the box “{title}”. “{details}” in it shows exactly what will change.</source>
        <translation>「{title}」の枠を見てください。その中の「{details}」に、何が変わるかが正確に出ています。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Click “{apply}” in that box, then wait until it says it checked again.</source>
        <translation>その枠の「{apply}」をクリックし、もう一度チェックしたと表示されるまでお待ちください。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>In the box “{title}”, click “{pick}” and choose the file IT sent you.</source>
        <translation>「{title}」の枠で「{pick}」をクリックし、IT 部門から届いたファイルを選んでください。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Follow the numbered steps in the box “{title}”.</source>
        <translation>「{title}」の枠にある番号付きの手順に従ってください。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>To copy a command, click “{details}” in that box, then “{copy}” next to it.</source>
        <translation>コマンドをコピーするには、その枠の「{details}」をクリックし、コマンドの横の「{copy}」をクリックしてください。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>To put everything back as it was, click “{undo}”.</source>
        <translation>すべてを元の状態に戻すには、「{undo}」をクリックしてください。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>When you are done, click “{next}” at the bottom of the window.</source>
        <translation>終わったら、ウィンドウの下にある「{next}」をクリックしてください。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Read me the case number: {case_id}.</source>
        <translation>ケース番号を読み上げてください: {case_id}。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Click “{save}” to save the report, or click “{copy}” and paste the summary into our chat or e-mail.</source>
        <translation>「{save}」をクリックしてレポートを保存するか、「{copy}」をクリックして要約をチャットやメールに貼り付けてください。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>When you are done, click “{close}”.</source>
        <translation>終わったら、「{close}」をクリックしてください。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Help-desk walkthrough</source>
        <translation>ヘルプデスク案内モード</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Case and step</source>
        <translation>ケースと手順</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>What to read aloud</source>
        <translation>読み上げる内容</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Copy the case summary</source>
        <translation>ケースの要約をコピー</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Copies the case number and the result, to paste into the ticket.</source>
        <translation>ケース番号と結果をコピーして、問い合わせに貼り付けられるようにします。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Preview the report…</source>
        <translation>レポートをプレビュー…</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Shows the report files exactly as they would be saved, with items you can hide.</source>
        <translation>レポートのファイルを保存されるとおりに表示し、隠せる項目も示します。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Case {case_id} · Step {n} of {total}: {page}</source>
        <translation>ケース {case_id} · 手順 {n}/{total}: {page}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Read aloud:</source>
        <translation>読み上げ:</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Sign-in Doctor - case {case_id} - step {n} of {total}: {page}</source>
        <translation>Sign-in Doctor - ケース {case_id} - 手順 {n}/{total}: {page}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>For when someone from your help desk guides you by phone.</source>
        <translation>ヘルプデスクの担当者に電話で案内してもらうときに使います。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Shows the case number, the step you are on and words to read aloud on every page.</source>
        <translation>すべての画面で、ケース番号、今の手順、読み上げる言葉を表示します。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Walkthrough</source>
        <translation>案内モード</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <location filename="../../wizard/ui/window.py"/>
        <source>Watch a sign-in…</source>
        <translation>サインインを見守る…</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/walkthrough.py"/>
        <source>Watch…</source>
        <translation>見守る…</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/watch_dialog.py"/>
        <location filename="../../wizard/ui/window.py"/>
        <source>Watch a sign-in</source>
        <translation>サインインを見守る</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/watch_dialog.py"/>
        <source>Press Start watching, then sign in to Codex as usual (in the editor or with &apos;codex login&apos;). Sign-in Doctor watches which program receives the browser&apos;s return on port {ports}. It only watches; it sends nothing.</source>
        <translation>「見守りを開始」を押してから、いつもどおり Codex にサインインしてください（エディターで、または「codex login」で）。Sign-in Doctor は、ポート {ports} でブラウザーからの戻りをどのプログラムが受け取るかを見守ります。見守るだけで、何も送りません。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/watch_dialog.py"/>
        <source>What happened</source>
        <translation>起きたこと</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/watch_dialog.py"/>
        <source>What Sign-in Doctor saw</source>
        <translation>Sign-in Doctor が見たこと</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/watch_dialog.py"/>
        <source>Start watching</source>
        <translation>見守りを開始</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/watch_dialog.py"/>
        <source>What Sign-in Doctor saw:</source>
        <translation>Sign-in Doctor が見たこと:</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/watch_dialog.py"/>
        <source>Watching… sign in now.</source>
        <translation>見守っています… 今サインインしてください。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/watch_dialog.py"/>
        <source>Stopped watching.</source>
        <translation>見守りを止めました。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/watch_dialog.py"/>
        <source>Watching stopped unexpectedly. Try again.</source>
        <translation>見守りが予期せず止まりました。もう一度試してください。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/widgets.py"/>
        <source>Copy</source>
        <translation>コピー</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/widgets.py"/>
        <source>Copy: {name}</source>
        <translation>コピー: {name}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/widgets.py"/>
        <source>Copies this exactly, so you can paste it: {value}</source>
        <translation>これをそのままコピーして、貼り付けられるようにします: {value}</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/widgets.py"/>
        <source>The exact text to copy.</source>
        <translation>コピーする文字列そのものです。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/widgets.py"/>
        <source>Shows or hides more details.</source>
        <translation>詳しい内容を表示または非表示にします。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/widgets.py"/>
        <source>Waiting</source>
        <translation>待機中</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/widgets.py"/>
        <source>Not checked yet.</source>
        <translation>まだチェックしていません。</translation>
    </message>
    <message>
        <location filename="../../wizard/ui/widgets.py"/>
        <source>Being checked now.</source>
        <translation>今チェックしています。</translation>
    </message>
    <message>
        <source>Optional. Paste the error text here; its meaning is shown below the box.</source>
        <translation type="vanished">任意です。エラーの文章をここに貼り付けると、その意味がボックスの下に表示されます。</translation>
    </message>
    <message>
        <source>Choose the certificate file…</source>
        <translation type="vanished">証明書のファイルを選ぶ…</translation>
    </message>
    <message>
        <source>Look at the box “{title}”. It shows exactly what will change.</source>
        <translation type="vanished">「{title}」の枠を見てください。変更される内容がそのまま表示されています。</translation>
    </message>
    <message>
        <source>Click “{copy}” next to a command to copy it exactly.</source>
        <translation type="vanished">コマンドの横の「{copy}」をクリックすると、そのままコピーできます。</translation>
    </message>
    <message>
        <source>Sign-in page in your browser</source>
        <translation type="vanished">ブラウザーでサインイン</translation>
    </message>
    <message>
        <source>Browser returns to this computer</source>
        <translation type="vanished">このコンピューターに戻る</translation>
    </message>
    <message>
        <source>Codex receives the return</source>
        <translation type="vanished">Codex が受け取る</translation>
    </message>
    <message>
        <source>Codex completes sign-in with OpenAI</source>
        <translation type="vanished">Codex がサインインを完了</translation>
    </message>
    <message>
        <source>Sign-in is saved</source>
        <translation type="vanished">サインインを保存</translation>
    </message>
    <message>
        <source>Problem here</source>
        <translation type="vanished">ここに問題</translation>
    </message>
    <message>
        <source>Not tested</source>
        <translation type="vanished">未確認</translation>
    </message>
</context>
<context>
    <name>addresses</name>
    <message>
        <location filename="../../wizard/checks/addresses.py"/>
        <source>secure connection completed</source>
        <translation>安全な接続が完了しました</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/addresses.py"/>
        <source>answered with a certificate</source>
        <translation>証明書を返して応答しました</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/addresses.py"/>
        <source>connected, but the secure connection got no answer in {seconds:.1f} s</source>
        <translation>接続はできましたが、安全な接続に {seconds:.1f} 秒以内に応答がありませんでした</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/addresses.py"/>
        <source>the secure connection failed ({error})</source>
        <translation>安全な接続に失敗しました（{error}）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/addresses.py"/>
        <source>Not tested: the name could not be looked up.</source>
        <translation>未確認: 名前からアドレスを調べられませんでした。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/addresses.py"/>
        <source>Not tested: Codex goes through a proxy, which picks the address.</source>
        <translation>未確認: Codex はプロキシを経由するため、アドレスはプロキシが選びます。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/addresses.py"/>
        <source>The one address of {host} answers.</source>
        <translation>{host} のアドレス（1 個）は応答します。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/addresses.py"/>
        <source>All {count} addresses of {host} answer.</source>
        <translation>{host} の {count} 個のアドレスはすべて応答します。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/addresses.py"/>
        <source>No address of {host} answers.</source>
        <translation>{host} のどのアドレスも応答しません。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/addresses.py"/>
        <source>{host} has {count} addresses; these do not answer: {dead}.</source>
        <translation>{host} には {count} 個のアドレスがあり、次のアドレスが応答しません: {dead}。</translation>
    </message>
</context>
<context>
    <name>apply</name>
    <message>
        <location filename="../../wizard/fixes/apply.py"/>
        <source>Nothing to change: this fix is guidance only.</source>
        <translation>変更するものはありません: この修正は手順の案内だけです。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/apply.py"/>
        <source>Backed up the originals ({folder}).</source>
        <translation>元のファイルをバックアップしました（{folder}）。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/apply.py"/>
        <source>Changed {file}.</source>
        <translation>{file} を変更しました。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/apply.py"/>
        <source>Nothing was changed: {error}</source>
        <translation>何も変更していません: {error}</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/apply.py"/>
        <source>Checking again ...</source>
        <translation>もう一度チェックしています…</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/apply.py"/>
        <source>{title} ({summary})</source>
        <translation>{title}（{summary}）</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/apply.py"/>
        <source>Applied, but the re-check still fails: {names}. Undo with `undo --last`.</source>
        <translation>適用しましたが、再チェックではまだ失敗しています: {names}。`undo --last` で元に戻せます。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/apply.py"/>
        <source>Re-check: {title}.</source>
        <translation>再チェックの結果: {title}。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/apply.py"/>
        <source>There is nothing to undo.</source>
        <translation>元に戻すものはありません。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/apply.py"/>
        <source>Undid &apos;{title}&apos;: restored {files} file(s) and {variables} variable(s).</source>
        <translation>「{title}」を元に戻しました: ファイル {files} 件と変数 {variables} 件を復元しました。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/apply.py"/>
        <source>{file} changed since the preview; nothing was written. Run the fix again to see a fresh preview.</source>
        <translation>プレビューの後に {file} が変更されたため、何も書き込んでいません。修正をもう一度実行して、新しいプレビューを確認してください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/apply.py"/>
        <source>Done: {title}.</source>
        <translation>完了: {title}。</translation>
    </message>
</context>
<context>
    <name>atomic</name>
    <message>
        <location filename="../../wizard/platform/atomic.py"/>
        <source>{file} is read-only; nothing was changed</source>
        <translation>{file} は読み取り専用です。何も変更していません</translation>
    </message>
    <message>
        <location filename="../../wizard/platform/atomic.py"/>
        <source>no permission to write in {folder}; nothing was changed</source>
        <translation>{folder} に書き込む権限がありません。何も変更していません</translation>
    </message>
</context>
<context>
    <name>auth_env_repair</name>
    <message>
        <location filename="../../wizard/fixes/auth_env_repair.py"/>
        <source>Remove a variable that replaces your sign-in</source>
        <translation>サインインを置き換えてしまう環境変数を取り除く</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/auth_env_repair.py"/>
        <source>Removes a variable that makes Codex ignore your saved sign-in.</source>
        <translation>保存済みのサインインを Codex に無視させてしまう環境変数を取り除きます。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/auth_env_repair.py"/>
        <source>No variable makes Codex use another sign-in than the saved one: nothing to remove.</source>
        <translation>保存済みのサインイン以外を Codex に使わせる環境変数はありません。取り除くものはありません。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/auth_env_repair.py"/>
        <source>{names} is not set in any place Sign-in Doctor can change.</source>
        <translation>{names} は、Sign-in Doctor が変更できる場所には設定されていません。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/auth_env_repair.py"/>
        <source>Codex uses {names} instead of the sign-in you saved. This turns off {places}; the values are not shown.</source>
        <translation>Codex は保存済みのサインインではなく {names} を使っています。{places} を無効にします（値は表示しません）。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/auth_env_repair.py"/>
        <source>Codex then uses the sign-in you saved in the browser.</source>
        <translation>その後、Codex はブラウザーで保存したサインインを使います。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/auth_env_repair.py"/>
        <source>{name} made Codex use another sign-in than the one you saved</source>
        <translation>{name} のせいで Codex が保存済みとは別のサインインを使っていました</translation>
    </message>
</context>
<context>
    <name>auth_managers</name>
    <message>
        <location filename="../../wizard/checks/auth_managers.py"/>
        <source>{tool} (pid {pid})</source>
        <translation>{tool}（pid {pid}）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_managers.py"/>
        <source>Running now: {tools}.</source>
        <translation>いま動いているもの: {tools}。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_managers.py"/>
        <source>{tool} holds port {port}, where Codex waits for the browser&apos;s return.</source>
        <translation>{tool} がポート {port} を使っています。Codex はここでブラウザーからの戻りを待ちます。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_managers.py"/>
        <source>Codex&apos;s settings: {markers}.</source>
        <translation>Codex の設定: {markers}。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_managers.py"/>
        <source>The saved sign-in was changed {age} while no Codex program was running; if you did not just sign in, another program wrote it.</source>
        <translation>保存済みのサインインが {age}、Codex が動いていないあいだに書き換えられました。その時にサインインしていないなら、別のプログラムが書き換えています。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_managers.py"/>
        <source>No account switcher or local sign-in proxy was found: none is running, and Codex&apos;s settings and saved sign-in look as Codex writes them.</source>
        <translation>アカウント切り替えツールやローカルのサインイン用プロキシは見つかりませんでした。どれも動いておらず、Codex の設定と保存済みのサインインは Codex が書いたとおりの形です。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_managers.py"/>
        <source>The saved sign-in holds only an API key, written by another program (Codex&apos;s own API-key sign-in looks different), so Codex uses that key instead of your ChatGPT account.</source>
        <translation>保存済みのサインインには、別のプログラムが書いた API キーしかありません（Codex 自身の API キーでのサインインは形が違います）。そのため Codex は ChatGPT アカウントではなく、そのキーを使います。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_managers.py"/>
        <source>The saved sign-in holds no sign-in tokens, yet Codex reports that you are signed in with ChatGPT; its requests fail until you sign in again.</source>
        <translation>保存済みのサインインにはサインイン用のトークンがないのに、Codex は ChatGPT でサインイン済みと表示します。もう一度サインインするまで、Codex のリクエストは失敗します。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_managers.py"/>
        <source>its requests go to a program on this computer ({address})</source>
        <translation>リクエストがこのコンピューター上のプログラム（{address}）に送られます</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_managers.py"/>
        <source>the provider &quot;{provider}&quot; does not use your ChatGPT sign-in (requires_openai_auth is not set)</source>
        <translation>プロバイダー「{provider}」は ChatGPT のサインインを使いません（requires_openai_auth が設定されていません）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_managers.py"/>
        <source>openai_base_url sends OpenAI&apos;s requests to a program on this computer ({address})</source>
        <translation>openai_base_url が OpenAI 向けのリクエストをこのコンピューター上のプログラム（{address}）に送ります</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_managers.py"/>
        <source>a fixed access key is set (experimental_bearer_token)</source>
        <translation>固定のアクセスキーが設定されています（experimental_bearer_token）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_managers.py"/>
        <source>{tool} keeps {file} in the Codex folder</source>
        <translation>{tool} が Codex のフォルダーに {file} を置いています</translation>
    </message>
    <message>
        <source>{file} lies beside config.toml</source>
        <translation type="vanished">config.toml の隣に {file} があります</translation>
    </message>
    <message>
        <source>The saved sign-in holds only an API key and no ChatGPT sign-in, so Codex uses that key instead of your ChatGPT account.</source>
        <translation type="vanished">保存済みのサインインには API キーしかなく、ChatGPT のサインインがありません。そのため Codex は ChatGPT アカウントではなく、そのキーを使います。</translation>
    </message>
</context>
<context>
    <name>auth_mode</name>
    <message>
        <location filename="../../wizard/checks/auth_mode.py"/>
        <source>saved for programs you start ({places})</source>
        <translation>これから起動するプログラム用に保存済み（{places}）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_mode.py"/>
        <source>this session</source>
        <translation>このセッション</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_mode.py"/>
        <source>{name} ({where})</source>
        <translation>{name}（{where}）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_mode.py"/>
        <source>{variable} is set without {other}: Codex then tries to sign in as a workload identity instead of with your saved sign-in, and fails (“workload identity requires {other}”)</source>
        <translation>{variable} が {other} なしで設定されています。このため Codex は保存済みのサインインではなくワークロード ID でサインインしようとして失敗します（「workload identity requires {other}」）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_mode.py"/>
        <source>{variables} are set: Codex signs in as that workload identity (a server account), not with the sign-in you saved in the browser</source>
        <translation>{variables} が設定されています。Codex はブラウザーで保存したサインインではなく、そのワークロード ID（サーバー用のアカウント）でサインインします</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_mode.py"/>
        <source>{variable} is set: Codex uses it instead of your saved sign-in, and while it is there `codex login status` fails (“failed to decode agent identity JWT”)</source>
        <translation>{variable} が設定されています。Codex は保存済みのサインインの代わりにこれを使い、設定されている間は `codex login status` が失敗します（「failed to decode agent identity JWT」）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_mode.py"/>
        <source>{variable} is set: signing in still works, but Codex sends its requests there, and with a ChatGPT sign-in a base URL such as the API&apos;s answers 401 Unauthorized (openai/codex#12764); take it out unless a program of yours needs it</source>
        <translation>{variable} が設定されています。サインイン自体はできますが、Codex は要求をその宛先に送ります。ChatGPT でサインインしている場合、API のようなベース URL からは 401 Unauthorized が返ります（openai/codex#12764）。必要とするプログラムがなければ取り除いてください</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_mode.py"/>
        <source>{variables} is set; it does not change which sign-in Codex uses.</source>
        <translation>{variables} が設定されていますが、Codex が使うサインインは変わりません。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_mode.py"/>
        <source>No variable makes Codex use another sign-in than the one you save.</source>
        <translation>保存したサインイン以外を Codex に使わせる環境変数はありません。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/auth_mode.py"/>
        <source>{finding}.</source>
        <translation>{finding}。</translation>
    </message>
    <message>
        <source>{variable} is set: signing in still works, but Codex sends its requests there, and with a ChatGPT sign-in a base URL such as the API&apos;s answers 401 Unauthorized (openai/codex#12764)</source>
        <translation type="vanished">{variable} が設定されています。サインイン自体はできますが、Codex は要求をその宛先に送ります。ChatGPT でサインインしている場合、API のようなベース URL からは 401 Unauthorized が返ります（openai/codex#12764）</translation>
    </message>
</context>
<context>
    <name>ca_bundle</name>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <location filename="../../wizard/fixes/ca_bundle.py"/>
        <source>Give Codex your organisation&apos;s certificate</source>
        <translation>組織の証明書を Codex に設定する</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/base.py"/>
        <source>and run this fix again with --extra-ca FILE.</source>
        <translation>、この修正を --extra-ca FILE を付けてもう一度実行してください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle.py"/>
        <source>Builds a certificate bundle with your organisation&apos;s root and points Codex at it.</source>
        <translation>組織のルート証明書を含む証明書バンドルを作り、Codex がそれを使うように設定します。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>The certificate that signed the connection is neither in this computer&apos;s store nor sent by the network. Ask your IT department for your organisation&apos;s root certificate file {how}</source>
        <translation>接続に署名した証明書は、このコンピューターの証明書ストアにも、ネットワークから送られたものの中にもありません。IT 部門から組織のルート証明書のファイルをもらい{how}</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>Even with {roots} the connection to {host} would not be trusted ({error}); nothing was changed. Ask your IT department for the right root certificate.</source>
        <translation>{roots} を加えても {host} への接続は信頼されません（{error}）。何も変更していません。正しいルート証明書を IT 部門に依頼してください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>replaced by the certificate bundle {file}</source>
        <translation>証明書バンドル {file} に置き換えました</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>The file {file} cannot be read ({error}).</source>
        <translation>ファイル {file} を読み込めません（{error}）。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>The file {file} holds no certificate (neither PEM nor DER).</source>
        <translation>ファイル {file} に証明書が入っていません（PEM でも DER でもありません）。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>The file {file} holds no certificate authority, only a server&apos;s own certificate ({subject}); ask your IT department for the root certificate instead.</source>
        <translation>ファイル {file} には認証局の証明書がなく、サーバー自身の証明書（{subject}）だけが入っています。代わりにルート証明書を IT 部門に依頼してください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>  (replaced: a PEM bundle of {count} certificates)</source>
        <translation>  （置き換え: {count} 件の証明書を含む PEM バンドル）</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>  (new file: a PEM bundle of {count} certificates)</source>
        <translation>  （新しいファイル: {count} 件の証明書を含む PEM バンドル）</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>  + this computer&apos;s trusted roots ({count}) and the public roots (certifi)</source>
        <translation>  + このコンピューターの信頼済みルート証明書（{count} 件）と公開のルート証明書（certifi）</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>No certificate chain from {host} was captured ({detail}), and no --extra-ca file was given, so there is no certificate to add.</source>
        <translation>{host} の証明書チェーンを取得できず（{detail}）、--extra-ca のファイルも指定されていないため、追加する証明書がありません。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>No certificate chain from {host} was captured, and no --extra-ca file was given, so there is no certificate to add.</source>
        <translation>{host} の証明書チェーンを取得できず、--extra-ca のファイルも指定されていないため、追加する証明書がありません。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>Codex already trusts the connection to {host}; there is nothing to add.</source>
        <translation>Codex はすでに {host} への接続を信頼しています。追加するものはありません。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>The certificate is only rejected because of this computer&apos;s date: set the clock (clock-sync) instead.</source>
        <translation>証明書が拒否されているのは、このコンピューターの日付のせいだけです。代わりに時計を合わせてください（clock-sync）。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>The secure connection to {host} fails for another reason: {detail}</source>
        <translation>{host} との安全な接続は別の理由で失敗しています: {detail}</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>found in this computer&apos;s certificate store (your IT department installed it; Codex&apos;s own list lacks it)</source>
        <translation>このコンピューターの証明書ストアで見つけたもの（IT 部門がインストールしたもので、Codex 自身の一覧にはありません）</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>from the file you gave ({file})</source>
        <translation>指定されたファイル（{file}）のもの</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>TAKEN FROM THE NETWORK CONNECTION ITSELF, not from this computer or your IT department</source>
        <translation>このコンピューターや IT 部門からではなく、【ネットワーク接続そのものから取得したもの】</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>Codex does not trust the certificate {host} presents.</source>
        <translation>Codex は {host} が提示する証明書を信頼していません。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>This writes a certificate bundle ({count} certificates: your organisation&apos;s root, this computer&apos;s trusted roots and the public roots) to {file} and sets {names} to it for your user account.</source>
        <translation>この修正は、証明書バンドル（{count} 件の証明書: 組織のルート証明書、このコンピューターの信頼済みルート証明書、公開のルート証明書）を {file} に書き込み、お使いのユーザーアカウントの {names} をそのファイルに設定します。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>Your organisation&apos;s root, {where}: {roots}.</source>
        <translation>組織のルート証明書（{where}）: {roots}。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>{name} in {places}</source>
        <translation>{places}の {name}</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>Older settings are turned off: {settings}.</source>
        <translation>古い設定はオフにします: {settings}。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>CAUTION: the root below comes from the network, so anyone in the middle could have sent it. Apply only if your IT department confirms its fingerprint.</source>
        <translation>注意: 次のルート証明書はネットワークから取得したものなので、途中にいる誰かが送った可能性があります。IT 部門がその指紋（フィンガープリント）を確認した場合にだけ適用してください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>Compare with your IT department: {subject}, SHA-256 {fingerprint}</source>
        <translation>IT 部門と照合してください: {subject}、SHA-256 {fingerprint}</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>Apply makes a certificate file for Codex with it and sets it for your user account; you can undo it.</source>
        <translation>「適用」を押すと、この証明書を入れた Codex 用の証明書ファイルを作り、あなたのユーザーアカウントに設定します。元に戻すこともできます。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>Careful: the certificate of {issuer} was taken from the network connection itself, not from this computer or your IT department. Apply only after IT has confirmed its fingerprint (under Details).</source>
        <translation>注意: {issuer} の証明書は、このコンピューターや IT 部門からではなく、ネットワーク接続そのものから取り出したものです。IT 部門がフィンガープリント（「詳細」の中）を確認してから適用してください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>Codex will trust {issuer}, found in this computer&apos;s certificate store (your IT department installed it).</source>
        <translation>このコンピューターの証明書ストアにある {issuer}（IT 部門が入れたもの）を、Codex も信頼するようにします。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>Codex will trust {issuer}, from the file you chose.</source>
        <translation>選んだファイルの {issuer} を、Codex も信頼するようにします。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_bundle_plan.py"/>
        <source>no certificate in the bundle vouches for it</source>
        <translation>バンドル内にそれを保証する証明書がありません</translation>
    </message>
</context>
<context>
    <name>ca_env</name>
    <message>
        <location filename="../../wizard/checks/ca_env.py"/>
        <source>{name} (in {dotenv})</source>
        <translation>{name}（{dotenv} 内）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ca_env.py"/>
        <source>{variable} points at {path}, but {problem}.</source>
        <translation>{variable} は {path} を指していますが、{problem}。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ca_env.py"/>
        <source>Codex ignores it, other tools may not</source>
        <translation>Codex は無視しますが、ほかのツールは無視しないかもしれません</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ca_env.py"/>
        <source>Codex uses {ca_file}, but this setting keeps it from using this computer&apos;s store</source>
        <translation>Codex は {ca_file} を使いますが、この設定のせいでこのコンピューターの証明書ストアを使わなくなります</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ca_env.py"/>
        <source>Codex ignores it and uses this computer&apos;s store</source>
        <translation>Codex はこれを無視し、このコンピューターの証明書ストアを使います</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ca_env.py"/>
        <source>{variable} points at {path}, but {problem} ({why}).</source>
        <translation>{variable} は {path} を指していますが、{problem}（{why}）。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ca_env.py"/>
        <source>{names} points at the certificate file Sign-in Doctor made for Codex: this computer&apos;s roots, the public roots and your organisation&apos;s.</source>
        <translation>{names} は、Sign-in Doctor が Codex 用に作った証明書ファイルを指しています。このコンピューターのルート証明書、公開のルート証明書、組織の証明書が入っています。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ca_env.py"/>
        <source>{names} replaces your computer&apos;s certificate store for Codex.</source>
        <translation>{names} が、Codex にとってのこのコンピューターの証明書ストアを置き換えています。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ca_env.py"/>
        <source>{names} replace your computer&apos;s certificate store for Codex.</source>
        <translation>{names} が、Codex にとってのこのコンピューターの証明書ストアを置き換えています。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ca_env.py"/>
        <source>Your certificate settings point at valid files ({names}).</source>
        <translation>証明書の設定は正しいファイルを指しています（{names}）。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ca_env.py"/>
        <source>No certificate settings; Codex uses this computer&apos;s certificate store.</source>
        <translation>証明書の設定はありません。Codex はこのコンピューターの証明書ストアを使います。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ca_env.py"/>
        <source>it holds no certificate files</source>
        <translation>証明書ファイルが 1 つも入っていません</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ca_env.py"/>
        <source>it holds no certificate files named the way OpenSSL expects (like 1a2b3c4d.0)</source>
        <translation>OpenSSL が想定する名前（1a2b3c4d.0 のような名前）の証明書ファイルが入っていません</translation>
    </message>
    <message>
        <source>({count} more broken)</source>
        <translation type="vanished">（ほかに {count} 件の壊れた設定）</translation>
    </message>
</context>
<context>
    <name>ca_env_repair</name>
    <message>
        <location filename="../../wizard/fixes/ca_env_repair.py"/>
        <source>Repair a broken certificate setting</source>
        <translation>壊れた証明書の設定を直す</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_env_repair.py"/>
        <source>Removes or corrects a certificate setting that points at nothing.</source>
        <translation>何も指していない証明書の設定を削除または修正します。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_env_repair.py"/>
        <source>Your certificate settings point at usable files; there is nothing to repair.</source>
        <translation>証明書の設定は使えるファイルを指しています。直すものはありません。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_env_repair.py"/>
        <source>The file you gave ({file}) cannot be used: {problem}. Codex needs a PEM file (text starting with -----BEGIN CERTIFICATE-----); the `ca-bundle` fix can convert other formats.</source>
        <translation>指定されたファイル（{file}）は使えません: {problem}。Codex には PEM ファイル（-----BEGIN CERTIFICATE----- で始まるテキスト）が必要です。ほかの形式は `ca-bundle` の修正で変換できます。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_env_repair.py"/>
        <source>points it at {file} instead</source>
        <translation>代わりに {file} を指すようにします</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_env_repair.py"/>
        <source>points it at {file} instead (that file holds {count} certificate(s) and {name} replaces the whole list of trusted certificates; if it is only your organisation&apos;s root, the `ca-bundle` fix is the better choice)</source>
        <translation>代わりに {file} を指すようにします（このファイルの証明書は {count} 件で、{name} は信頼済み証明書の一覧全体を置き換えます。組織のルート証明書だけなら `ca-bundle` の修正のほうが適しています）</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_env_repair.py"/>
        <source>turns it off</source>
        <translation>オフにします</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_env_repair.py"/>
        <source>This {action} in {places}.</source>
        <translation>この修正は、{places} で{action}。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_env_repair.py"/>
        <source>This {action}.</source>
        <translation>この修正は{action}。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_env_repair.py"/>
        <source>Nothing to change in a place Sign-in Doctor knows.</source>
        <translation>Sign-in Doctor が知っている場所には、変更するものがありません。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_env_repair.py"/>
        <source>Codex then uses the file you gave.</source>
        <translation>その後、Codex は指定されたファイルを使います。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_env_repair.py"/>
        <source>Codex then uses this computer&apos;s own certificate store.</source>
        <translation>その後、Codex はこのコンピューター自身の証明書ストアを使います。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_env_repair.py"/>
        <source>{name} (in Codex&apos;s .env file) points at {path}, but {problem}.</source>
        <translation>{name}（Codex の .env ファイル内）は {path} を指していますが、{problem}。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_env_repair.py"/>
        <source>{name} points at {path}, but {problem}.</source>
        <translation>{name} は {path} を指していますが、{problem}。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_env_repair.py"/>
        <source>{name} pointed at a file that cannot be used ({problem})</source>
        <translation>{name} が使えないファイルを指していました（{problem}）</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_env_repair.py"/>
        <source>{name} ({path}) replaces this computer&apos;s certificate store for Codex and does not trust {host}; the computer&apos;s store does.</source>
        <translation>{name}（{path}）が Codex にとってのこのコンピューターの証明書ストアを置き換えており、{host} を信頼していません。コンピューターの証明書ストアなら信頼します。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ca_env_repair.py"/>
        <source>{name} replaced this computer&apos;s certificate store with a file that does not trust {host}</source>
        <translation>{name} が、このコンピューターの証明書ストアを {host} を信頼しないファイルで置き換えていました</translation>
    </message>
</context>
<context>
    <name>case_file</name>
    <message>
        <location filename="../../wizard/report/case_file.py"/>
        <source>it is a file, not a folder</source>
        <translation>フォルダーではなくファイルです</translation>
    </message>
    <message>
        <location filename="../../wizard/report/case_file.py"/>
        <source>part of that path is a file, not a folder</source>
        <translation>パスの一部がフォルダーではなくファイルです</translation>
    </message>
    <message>
        <location filename="../../wizard/report/case_file.py"/>
        <source>no permission to create that folder</source>
        <translation>そのフォルダーを作る権限がありません</translation>
    </message>
    <message>
        <location filename="../../wizard/report/case_file.py"/>
        <source>the folder cannot be created ({error})</source>
        <translation>フォルダーを作れません（{error}）</translation>
    </message>
    <message>
        <location filename="../../wizard/report/case_file.py"/>
        <source>{name} there is a folder</source>
        <translation>そこにある {name} はフォルダーです</translation>
    </message>
    <message>
        <location filename="../../wizard/report/case_file.py"/>
        <source>no permission to write in that folder</source>
        <translation>そのフォルダーに書き込む権限がありません</translation>
    </message>
    <message>
        <location filename="../../wizard/report/case_file.py"/>
        <source>cannot write {name} ({error})</source>
        <translation>{name} を書き込めません（{error}）</translation>
    </message>
    <message>
        <source>cannot write in that folder ({error})</source>
        <translation type="vanished">そのフォルダーに書き込めません（{error}）</translation>
    </message>
</context>
<context>
    <name>causes</name>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>{variable} points Codex at {path}, which replaces your computer&apos;s own list of trusted certificates, and nothing in it trusts {host}.</source>
        <translation>{variable} が Codex に {path} を使わせています。これはこのコンピューター自身の信頼済み証明書の一覧を置き換えますが、その中に {host} を信頼するものがありません。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex is told to use the proxy {proxy} ({proxy_source}), but it cannot be used: {detail}.</source>
        <translation>Codex はプロキシ {proxy}（{proxy_source}）を使うよう設定されていますが、このプロキシは使えません: {detail}。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The connection to {host} is re-signed by {issuer}, whose certificate is too weak for Codex ({problem}). Installing it will not help: IT must re-issue it with SHA-256 and at least 2048-bit RSA.</source>
        <translation>{host} への接続は {issuer} によって署名し直されていますが、その証明書は Codex には弱すぎます（{problem}）。この証明書をインストールしても解決しません。IT 担当者が SHA-256 と 2048 ビット以上の RSA で発行し直す必要があります。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>OpenAI&apos;s status page reports a problem right now ({indicator}: {description}). Sign-in may fail until it is fixed.</source>
        <translation>OpenAI のステータスページが現在、障害を報告しています（{indicator}: {description}）。解消されるまでサインインに失敗することがあります。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>{editors} runs Codex inside WSL (Linux on Windows). The sign-in&apos;s return address then reaches the wrong side, and the sign-in fails even though your network is fine.</source>
        <translation>{editors} が Codex を WSL（Windows 上の Linux）の中で動かしています。そのため、サインイン後の戻り先が別の側に届き、ネットワークに問題がなくてもサインインに失敗します。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The Codex app is set to run inside WSL (Linux on Windows). The sign-in then stays on the loading page after you agree, even though your network is fine.</source>
        <translation>Codex アプリが WSL（Windows 上の Linux）の中で動く設定になっています。そのため、同意したあともサインインが読み込み中のページのまま進みません。ネットワークに問題はありません。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Close the Codex app, set it back to run on Windows itself, and sign in again.</source>
        <translation>Codex アプリを終了し、Windows 上で直接動く設定に戻してから、もう一度サインインしてください。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Your editor&apos;s Codex log shows it starts Codex inside WSL (Linux on Windows), so the sign-in&apos;s return address reaches the wrong side.</source>
        <translation>エディターの Codex ログによると、Codex は WSL（Windows 上の Linux）の中で起動されています。そのため、サインイン後の戻り先が別の側に届いてしまいます。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Windows has reserved the ports Codex needs for sign-in ({ports}) for its own networking (Hyper-V, WSL or Docker), so Codex cannot listen for the browser&apos;s return.</source>
        <translation>サインインに必要なポート（{ports}）を Windows が自分のネットワーク機能（Hyper-V、WSL、Docker）のために予約しているため、Codex はブラウザーからの戻りを受け取れません。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex is set to save the sign-in only in the system keyring ({backend}), but there is none to use here. The browser sign-in can succeed and still end with &quot;failed to write OAuth tokens to keyring&quot;.</source>
        <translation>Codex はサインイン情報をシステムのキーリング（{backend}）にだけ保存する設定ですが、ここでは使えるキーリングがありません。ブラウザーでのサインインが成功しても、最後に「failed to write OAuth tokens to keyring」で終わることがあります。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The system keyring ({backend}) that Codex saves the sign-in in is locked or does not answer, so Codex can hang or fail at the very end of the sign-in.</source>
        <translation>Codex がサインイン情報を保存するシステムのキーリング（{backend}）がロックされているか応答しないため、サインインの最後で Codex が止まったり失敗したりすることがあります。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>OpenAI&apos;s phone verification page refused your phone number or could not send it a code, so the sign-in cannot go on. This is a check on your account, not a problem of this computer.</source>
        <translation>OpenAI の電話番号確認ページがあなたの電話番号を受け付けなかったか、確認コードを送れなかったため、サインインを続けられません。これはアカウントの確認であり、このコンピューターの問題ではありません。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The sign-in page answered that Codex is not enabled for your ChatGPT workspace. Only a workspace admin can change that; nothing on this computer can.</source>
        <translation>サインインページは、あなたの ChatGPT ワークスペースでは Codex が有効になっていないと答えました。これを変えられるのはワークスペースの管理者だけで、このコンピューター側では変えられません。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Sign-in with a device code is switched off for your account or workspace. It can be turned on in ChatGPT Settings &gt; Security, or by a workspace admin.</source>
        <translation>あなたのアカウントまたはワークスペースでは、デバイスコードによるサインインがオフになっています。ChatGPT の［設定］＞［セキュリティ］で、またはワークスペースの管理者がオンにできます。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex&apos;s settings were changed by an account switcher or a local proxy tool: {markers}. Such a tool can take over Codex&apos;s requests and sign-in, so the sign-in you make is not the one Codex uses.</source>
        <translation>Codex の設定が、アカウント切り替えツールかローカルのプロキシツールによって書き換えられています: {markers}。このようなツールは Codex のリクエストとサインインを横取りできるため、あなたがしたサインインが Codex で使われません。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex&apos;s saved sign-in holds only an API key and no ChatGPT sign-in, and it was not written by Codex&apos;s own API-key sign-in (that one also records the sign-in method). Account switchers write such a file when they switch accounts, so Codex uses that key instead of your ChatGPT account.</source>
        <translation>Codex の保存済みサインインには API キーしかなく、ChatGPT のサインインがありません。また、Codex 自身の API キーでのサインイン（サインインの方法も記録します）が書いたものでもありません。アカウント切り替えツールはアカウントを切り替えるときにこのようなファイルを書くため、Codex は ChatGPT アカウントではなく、そのキーを使います。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex&apos;s saved sign-in holds no sign-in tokens, yet Codex reports that you are signed in with ChatGPT. Something other than Codex rewrote that file (account switchers do), so Codex&apos;s requests fail until you sign in again.</source>
        <translation>Codex の保存済みサインインにはサインイン用のトークンがないのに、Codex は ChatGPT でサインイン済みと表示します。Codex 以外のもの（アカウント切り替えツールなど）がこのファイルを書き換えたため、もう一度サインインするまで Codex のリクエストは失敗します。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Everything Codex needs for sign-in works from this computer, but OpenAI&apos;s sign-in page answered with an error of its own ({code}) that names no cause on this computer. {listener} That points at the account or the sign-in session.</source>
        <translation>このコンピューターからは Codex のサインインに必要なものがすべて動いていますが、OpenAI のサインインページが独自のエラー（{code}）を返しました。このエラーはこのコンピューター上の原因を示していません。{listener} アカウントかサインインのセッションに原因がある可能性が高いです。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Windows could not check whether the certificate of the sign-in server was revoked (CRYPT_E_NO_REVOCATION_CHECK). That happens when a security program inspects the connection and its certificates name no address for that check, or when that address cannot be reached from here.</source>
        <translation>Windows は、サインイン サーバーの証明書が失効していないかを確認できませんでした（CRYPT_E_NO_REVOCATION_CHECK）。セキュリティ ソフトが通信を検査していて、その証明書に確認先のアドレスが書かれていない場合や、そのアドレスにここから接続できない場合に起こります。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Ask your IT administrator to exclude {host} from inspection, or to make the inspection certificates name a reachable revocation address.</source>
        <translation>IT 管理者に、{host} を検査の対象から外すか、検査用の証明書に接続できる失効確認のアドレスを入れてもらうよう依頼してください。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>{variables} is set ({where}) without its other half, so Codex tries to sign in as a workload identity (a server account) instead of with your saved sign-in, and fails.</source>
        <translation>{variables} が対になる設定なしで設定されている（{where}）ため、Codex は保存済みのサインインではなくワークロード ID（サーバー用のアカウント）でサインインしようとして失敗します。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>{variables} are set ({where}), so Codex signs in as a workload identity (a server account) instead of with the sign-in you saved in the browser.</source>
        <translation>{variables} が設定されている（{where}）ため、Codex はブラウザーで保存したサインインではなく、ワークロード ID（サーバー用のアカウント）でサインインします。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex runs inside WSL ({mode} networking) and is told to use the proxy {proxy}, on WSL&apos;s own loopback address. The proxy program runs on Windows, and WSL cannot reach it there, so Codex never gets to {host}.</source>
        <translation>Codex は WSL の中で動いていて（{mode} ネットワーク）、プロキシ {proxy} を使うよう設定されていますが、これは WSL 自身のループバック アドレスです。プロキシのプログラムは Windows で動いているため、WSL からはそこに届かず、Codex は {host} にたどり着けません。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Give WSL a proxy address it can reach (Fix shows how), or remove the proxy variable inside WSL if you do not need that proxy.</source>
        <translation>WSL から届くプロキシのアドレスを設定してください（修正で手順を表示します）。そのプロキシが不要なら、WSL の中のプロキシの変数を削除してください。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex runs inside WSL, and the Windows connection {adapter} (a VPN, usually) carries smaller packets ({adapter_mtu} bytes) than WSL sends ({eth0_mtu}). The connection to {host} opens, but the secure handshake&apos;s large packets are lost, so it stalls.</source>
        <translation>Codex は WSL の中で動いていて、Windows の接続 {adapter}（ふつうは VPN）が運べるパケットの大きさ（{adapter_mtu} バイト）が、WSL が送る大きさ（{eth0_mtu}）より小さくなっています。{host} への接続は開きますが、安全な接続の大きなパケットが失われるため、途中で止まります。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Lower WSL&apos;s packet size to the VPN&apos;s (Fix shows how), or sign in while the VPN is off.</source>
        <translation>WSL のパケットの大きさを VPN に合わせて小さくするか（修正で手順を表示します）、VPN を切った状態でサインインしてください。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex runs inside WSL, and the name server WSL set in /etc/resolv.conf ({nameservers}) does not find {host}. Linux inside WSL asks that server, not Windows, so Windows may find the name while WSL does not.</source>
        <translation>Codex は WSL の中で動いていて、WSL が /etc/resolv.conf に設定したネーム サーバー（{nameservers}）が {host} を見つけられません。WSL の中の Linux は Windows ではなくそのサーバーに問い合わせるため、Windows では見つかっても WSL では見つからないことがあります。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Restart WSL from Windows and try again; if it keeps failing, change how WSL finds names (Fix shows how).</source>
        <translation>Windows から WSL を再起動して、もう一度試してください。それでも失敗する場合は、WSL の名前の調べ方を変えてください（修正で手順を表示します）。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>{where} allows only {methods} sign-in on this computer, so signing in with ChatGPT stops with “ChatGPT login is disabled. Use API key login instead.”</source>
        <translation>このコンピューターでは {where} により {methods} でのサインインしか許可されていないため、ChatGPT でのサインインは「ChatGPT login is disabled. Use API key login instead.」で止まります。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Your own Codex settings ({where}) allow only {methods} sign-in, so signing in with ChatGPT stops with “ChatGPT login is disabled. Use API key login instead.”</source>
        <translation>ご自分の Codex の設定（{where}）で {methods} でのサインインしか許可されていないため、ChatGPT でのサインインは「ChatGPT login is disabled. Use API key login instead.」で止まります。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Take the line forced_login_method out of {where} (or set it to &quot;chatgpt&quot;), then sign in again; or sign in with an API key as the setting asks.</source>
        <translation>{where} から forced_login_method の行を削除する（または &quot;chatgpt&quot; にする）と、もう一度サインインできます。または、設定のとおり API キーでサインインしてください。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The sign-in settings in {where} contradict each other and leave no way to sign in, so Codex stops with “authentication requirements do not permit any usable login method”.</source>
        <translation>{where} のサインイン設定どうしが矛盾していて、サインインできる方法が残っていません。そのため Codex は「authentication requirements do not permit any usable login method」で止まります。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The sign-in settings in {where} cannot be read ({detail}), and Codex does not start at all while they are broken.</source>
        <translation>{where} のサインイン設定を読み取れません（{detail}）。壊れている間、Codex はまったく起動しません。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Ask whoever manages {where} (your IT administrator, or you if you wrote it) to correct it.</source>
        <translation>{where} を管理している人（IT 管理者、またはご自分で書いた場合はご自身）に直してもらってください。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex reaches the sign-in server, but it does not trust the certificate {host} presents, issued by {issuer}: something on your network re-signs the connection to {host}. Right after you sign in, Codex asks {host} which workspace to use, so the sign-in seems to finish and then fails (&quot;workspace routing discovery failed&quot;, a blank app, or a request to sign in again).</source>
        <translation>Codex はサインインサーバーには届きますが、{host} が示す証明書（発行元: {issuer}）を信頼していません。ネットワーク上の何かが {host} への接続を署名し直しています。Codex はサインインの直後に、どのワークスペースを使うかを {host} に問い合わせるため、サインインは終わったように見えても、そのあと失敗します（「workspace routing discovery failed」、何も表示されないアプリ、またはもう一度サインインを求める画面）。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Ask IT to exclude {host} from inspection, as well as auth.openai.com, or to give you the certificate it uses. Then press Check again.</source>
        <translation>auth.openai.com と同じように {host} も検査の対象から外すか、検査に使っている証明書を渡してもらうよう IT 担当者に依頼してください。そのあと「もう一度チェック」を押してください。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex goes to {host} through the proxy {proxy} ({proxy_source}), but that proxy cannot be used: {detail}. The sign-in server is reached another way, so the sign-in seems to finish; then Codex asks {host} which workspace to use, and that fails (&quot;workspace routing discovery failed&quot;, a blank app, or a request to sign in again).</source>
        <translation>Codex は {host} にプロキシ {proxy}（{proxy_source}）を通して接続しますが、そのプロキシは使えません: {detail}。サインインサーバーには別の経路で届くため、サインインは終わったように見えます。そのあと Codex がどのワークスペースを使うかを {host} に問い合わせると失敗します（「workspace routing discovery failed」、何も表示されないアプリ、またはもう一度サインインを求める画面）。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>{host}, which Codex asks right after the sign-in which workspace to use, has {address_count} addresses, and not all of them answer. No answer from: {dead_addresses}. Answering: {live_addresses}. When Codex tries the dead address first it waits many seconds, and the workspace lookup can run out of time (&quot;workspace routing discovery timed out&quot;) although the sign-in itself worked.</source>
        <translation>Codex がサインインの直後にどのワークスペースを使うかを問い合わせる {host} には {address_count} 個のアドレスがありますが、すべてが応答するわけではありません。応答なし: {dead_addresses}。応答あり: {live_addresses}。Codex が応答しないアドレスを先に試すと何秒も待つため、サインイン自体は成功していても、ワークスペースの確認が時間切れになることがあります（「workspace routing discovery timed out」）。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Your sign-in went through, but then Codex ran out of time asking chatgpt.com which workspace to use (&quot;workspace routing discovery timed out&quot;). That happens when chatgpt.com answers slowly from here, for example when one of its addresses does not answer (openai/codex#41044).</source>
        <translation>サインインはできましたが、そのあと Codex がどのワークスペースを使うかを chatgpt.com に問い合わせている間に時間切れになりました（「workspace routing discovery timed out」）。これは、ここから chatgpt.com への応答が遅いとき、たとえばアドレスの一つが応答しないときに起こります（openai/codex#41044）。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Your sign-in went through, but OpenAI&apos;s server answered the Codex app &quot;Workspace routing is unavailable&quot; (HTTP 432) when it asked which workspace to use. This was seen after Codex app updates (openai/codex#46786, #46812); it is on OpenAI&apos;s side or in that app version, not on this computer.</source>
        <translation>サインインはできましたが、Codex アプリがどのワークスペースを使うかを問い合わせたところ、OpenAI のサーバーが「Workspace routing is unavailable」（HTTP 432）と答えました。これは Codex アプリの更新後に報告されています（openai/codex#46786、#46812）。原因は OpenAI 側かそのアプリのバージョンにあり、このコンピューターではありません。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The ChatGPT or Codex app could not load what it needs before sign-in (&quot;Unable to load sign-in requirements&quot;). It gets that from chatgpt.com; when chatgpt.com answers from here, the problem is on OpenAI&apos;s side or in that app version (openai/codex#46613).</source>
        <translation>ChatGPT アプリまたは Codex アプリが、サインインの前に必要な情報を読み込めませんでした（「Unable to load sign-in requirements」）。この情報は chatgpt.com から取得します。ここから chatgpt.com が応答している場合、原因は OpenAI 側かそのアプリのバージョンにあります（openai/codex#46613）。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Your editor runs Codex inside WSL, and your own Codex there got no answer from {host}, although this computer reaches it. The Windows connection {adapter} (a VPN, usually) carries smaller packets ({adapter_mtu} bytes) than WSL sends ({eth0_mtu}), so WSL&apos;s secure connections open and then stall.</source>
        <translation>エディターは Codex を WSL の中で動かしていて、そこにあるあなたの Codex は {host} から応答を得られませんでした。このコンピューターからは届いています。Windows の接続 {adapter}（ふつうは VPN）が運べるパケット（{adapter_mtu} バイト）が WSL の送るもの（{eth0_mtu}）より小さいため、WSL の安全な接続は開いたあと止まってしまいます。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Nothing wrong found on this computer</source>
        <translation>このコンピューターに問題は見つかりませんでした</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Everything Codex needs for sign-in works from this computer: the sign-in server answers, the connection is trusted and the clock is right. {listener} If sign-in still fails, the problem is most likely on OpenAI&apos;s side or with the account.</source>
        <translation>サインインに必要なことは、このコンピューターからすべて正常に動いています。サインインサーバーは応答し、接続は信頼され、時計も正確です。{listener}それでもサインインできない場合、原因は OpenAI 側かアカウントにある可能性が高いです。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Check status.openai.com, wait a few minutes and try again, try another browser or the other Codex app (CLI or editor), or contact OpenAI support with the error code you saw.</source>
        <translation>status.openai.com を確認し、数分待ってからもう一度試してください。別のブラウザーや、もう一方の Codex アプリ（CLI またはエディター）を試すか、表示されたエラーコードを添えて OpenAI サポートに問い合わせてください。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>This computer is not connected to the internet</source>
        <translation>このコンピューターはインターネットにつながっていません</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>This computer has no network connection: no network is connected and no name can be looked up, so Codex cannot reach {host} to finish the sign-in.</source>
        <translation>このコンピューターはネットワークに接続されていません。どのネットワークにもつながっておらず、名前も調べられないため、Codex は {host} に届かず、サインインを完了できません。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Connect to the internet (Wi-Fi or a network cable; turn off flight mode), then run the checks again.</source>
        <translation>インターネットに接続してから（Wi-Fi かネットワークケーブル。機内モードはオフに）、もう一度チェックしてください。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The sign-in server&apos;s name cannot be found</source>
        <translation>サインインサーバーの名前が見つかりません</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>This computer cannot look up the address of {host}, so Codex cannot finish the sign-in.</source>
        <translation>このコンピューターは {host} のアドレスを調べられないため、Codex はサインインを完了できません。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Check that you are connected to the internet and that your VPN is on if your company requires one; otherwise ask IT why {host} does not resolve.</source>
        <translation>インターネットにつながっているか、会社で VPN が必要なら VPN がオンになっているかを確認してください。それでも駄目なら、{host} の名前解決ができない理由を IT 担当者に問い合わせてください。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The connection to the sign-in server is blocked</source>
        <translation>サインインサーバーへの接続がブロックされています</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex cannot get an answer from {host}: {detail}. A firewall, VPN or security program is probably blocking it.</source>
        <translation>Codex は {host} から応答を得られません: {detail}。ファイアウォール、VPN、またはセキュリティソフトがブロックしている可能性があります。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Ask IT to allow {host} on port {port}, or try again on another network.</source>
        <translation>{host} のポート {port} への接続を許可するよう IT 担当者に依頼するか、別のネットワークでもう一度試してください。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex is told to use a proxy that is not there</source>
        <translation>Codex が存在しないプロキシを使うよう設定されています</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex is told to use the proxy {proxy} ({proxy_source}), but nothing answers there, so Codex cannot reach the sign-in server.</source>
        <translation>Codex はプロキシ {proxy}（{proxy_source}）を使うよう設定されていますが、そこから応答がないため、サインインサーバーに届きません。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Remove or correct the stale proxy setting, then restart the editor or terminal.</source>
        <translation>古くなったプロキシ設定を削除または修正してから、エディターまたはターミナルを再起動してください。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex cannot use a SOCKS proxy</source>
        <translation>Codex は SOCKS プロキシを使えません</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex is told to use the SOCKS proxy {proxy} ({proxy_source}), but Codex cannot use SOCKS proxies: it gives up before it connects to it, so it never reaches the sign-in server.</source>
        <translation>Codex は SOCKS プロキシ {proxy}（{proxy_source}）を使うよう設定されていますが、Codex は SOCKS プロキシを使えません。プロキシに接続する前に諦めてしまうため、サインインサーバーに届きません。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Remove the SOCKS setting, or set HTTPS_PROXY to your proxy app&apos;s HTTP (or &apos;mixed&apos;) port instead, e.g. http://127.0.0.1:PORT; then restart the editor or terminal.</source>
        <translation>SOCKS の設定を削除するか、代わりに HTTPS_PROXY にプロキシアプリの HTTP（または「mixed」）ポートを設定してください（例: http://127.0.0.1:PORT）。そのあとエディターまたはターミナルを再起動してください。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The proxy wants a password Codex does not have</source>
        <translation>プロキシが、Codex の持っていないパスワードを求めています</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The proxy {proxy} ({proxy_source}) asks for a user name and password before it lets Codex through.</source>
        <translation>プロキシ {proxy}（{proxy_source}）は、Codex を通す前にユーザー名とパスワードを求めています。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Ask IT for proxy credentials or for {host} to be allowed without them.</source>
        <translation>プロキシの認証情報をもらうか、認証なしで {host} に接続できるようにしてもらうよう IT 担当者に依頼してください。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>A proxy or network filter blocks the sign-in server</source>
        <translation>プロキシまたはネットワークのフィルターがサインインサーバーをブロックしています</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Instead of the sign-in server, something in your network answered ({detail}). A company proxy or a Wi-Fi login page is blocking {host}.</source>
        <translation>サインインサーバーの代わりに、ネットワーク内の別のものが応答しました（{detail}）。会社のプロキシか Wi-Fi のログインページが {host} をブロックしています。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Ask IT to allow {host}, or finish the Wi-Fi login page in your browser first.</source>
        <translation>{host} を許可するよう IT 担当者に依頼するか、先にブラウザーで Wi-Fi のログインページを済ませてください。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>A security program intercepts the secure connection</source>
        <translation>セキュリティソフトが安全な接続に割り込んでいます</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The connection to {host} is decrypted and re-signed by {issuer}. Codex does not trust that certificate, so it stops the sign-in.</source>
        <translation>{host} への接続は {issuer} によって復号され、署名し直されています。Codex はその証明書を信頼していないため、サインインを止めます。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Let Sign-in Doctor give Codex your organisation&apos;s certificate (Fix), or ask IT to exclude {host} from inspection.</source>
        <translation>Sign-in Doctor で組織の証明書を Codex に設定する（修正）か、{host} を検査の対象から外すよう IT 担当者に依頼してください。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>A certificate setting points at a broken file</source>
        <translation>証明書の設定が壊れたファイルを指しています</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>{variable} is set to {path}, but {problem}. The browser step of sign-in works, but then Codex fails at the token exchange (&quot;Token exchange failed&quot;) because it cannot use that file.</source>
        <translation>{variable} に {path} が設定されていますが、{problem}。ブラウザーでのサインインは進みますが、その後のトークン交換で Codex が失敗します（「Token exchange failed」）。このファイルを使えないためです。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Remove the broken setting or point it at a valid certificate file, then restart the editor or terminal.</source>
        <translation>壊れた設定を削除するか正しい証明書ファイルを指定してから、エディターまたはターミナルを再起動してください。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>This computer&apos;s clock is wrong</source>
        <translation>このコンピューターの時計がずれています</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>This computer&apos;s clock is {skew_human} {direction} the sign-in server&apos;s, which breaks secure connections and sign-in.</source>
        <translation>このコンピューターの時計はサインインサーバーより{skew_human}{direction}います。このずれのため、安全な接続とサインインが失敗します。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Turn on automatic date and time in your system settings, then try again.</source>
        <translation>システムの設定で日付と時刻の自動設定をオンにしてから、もう一度試してください。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The sign-in server refuses your region</source>
        <translation>サインインサーバーがお使いの地域からの接続を拒否しています</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The sign-in server answered &apos;country, region, or territory not supported&apos; to the connection Codex makes. The browser may be using a VPN or proxy that Codex does not use.</source>
        <translation>Codex の接続に対して、サインインサーバーは「対応していない国または地域」と応答しました。ブラウザーは Codex が使っていない VPN やプロキシを使っている可能性があります。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Make Codex use the same VPN or proxy as the browser (system-wide VPN, or HTTPS_PROXY), then try again.</source>
        <translation>Codex がブラウザーと同じ VPN またはプロキシを使うようにしてから（システム全体の VPN、または HTTPS_PROXY）、もう一度試してください。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>OpenAI&apos;s sign-in server has a problem</source>
        <translation>OpenAI のサインインサーバーに問題があります</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The sign-in server answered with an error of its own ({detail}). This is not caused by your computer.</source>
        <translation>サインインサーバー自身がエラーを返しました（{detail}）。お使いのコンピューターが原因ではありません。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Check status.openai.com and try again later.</source>
        <translation>status.openai.com を確認し、しばらくしてからもう一度試してください。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex runs inside WSL, so the browser&apos;s return goes astray</source>
        <translation>Codex が WSL の中で動いているため、ブラウザーからの戻りが迷子になっています</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The sign-in port {port} on this computer is held by {process}, the WSL relay. Your editor runs Codex inside WSL (Linux on Windows), and the sign-in fails even though your network is fine.</source>
        <translation>このコンピューターのサインイン用ポート {port} を、WSL の中継プログラム {process} が使っています。エディターが Codex を WSL（Windows 上の Linux）の中で動かしているため、ネットワークに問題がなくてもサインインに失敗します。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Turn off &apos;Run Codex in Windows Subsystem for Linux&apos; in your editor&apos;s settings, reload the editor and sign in again.</source>
        <translation>エディターの設定で「Run Codex in Windows Subsystem for Linux」をオフにし、エディターを再読み込みしてから、もう一度サインインしてください。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Another program holds the sign-in port</source>
        <translation>別のプログラムがサインイン用のポートを使っています</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex needs port {ports} on this computer to receive the browser&apos;s return, but {holders}.</source>
        <translation>Codex がブラウザーからの戻りを受け取るにはこのコンピューターのポート {ports} が必要ですが、{holders}です。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Close the program that holds the port (often another editor or AI tool) and sign in again, or sign in with a device code instead.</source>
        <translation>ポートを使っているプログラム（多くは別のエディターや AI ツール）を閉じてからもう一度サインインするか、代わりにデバイスコードでサインインしてください。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex runs on another machine, so the browser&apos;s return cannot reach it</source>
        <translation>Codex が別のマシンで動いているため、ブラウザーの戻り先に届きません</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>This runs in {where}, but your browser runs on your own computer. When you finish signing in, the browser returns to port {port} on your own computer, where this Codex does not listen, so the sign-in never completes.</source>
        <translation>これは{where}で動いていますが、ブラウザーはお使いのコンピューターで動いています。サインインを終えるとブラウザーはお使いのコンピューターのポート {port} に戻りますが、そこではこの Codex が待っていないため、サインインが完了しません。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Sign in with a device code instead (it needs no return to this machine), or forward port {port} from your computer to this machine before signing in.</source>
        <translation>代わりにデバイスコードでサインインしてください（このマシンへの戻りは不要です）。または、サインインの前にお使いのコンピューターのポート {port} をこのマシンへ転送してください。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex cannot save the sign-in on this computer</source>
        <translation>Codex がこのコンピューターにサインイン情報を保存できません</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex cannot save the sign-in in {path} ({error}). The browser sign-in can succeed and still end with &quot;credentials could not be saved&quot;.</source>
        <translation>Codex は {path} にサインイン情報を保存できません（{error}）。ブラウザーでのサインインが成功しても、最後に「credentials could not be saved」で終わることがあります。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Let Codex save the sign-in where it can: make the Codex folder writable, or, if the system keyring is the problem, have Codex use a file instead (the steps below show how). Then sign in again.</source>
        <translation>Codex が保存できる場所を用意してください。Codex のフォルダーを書き込み可能にするか、システムのキーリングが原因ならファイルに保存するよう設定します（手順は下にあります）。そのあと、もう一度サインインしてください。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Something failed that Sign-in Doctor cannot explain yet</source>
        <translation>Sign-in Doctor がまだ説明できない問題が起きています</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Some checks did not pass, but none of them proves a known cause: {observed}</source>
        <translation>いくつかのチェックが通りませんでしたが、既知の原因を示すものはありません: {observed}</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Open Details, and share the case file with your help desk or OpenAI support.</source>
        <translation>「詳細」を開き、レポートをヘルプデスクまたは OpenAI サポートに共有してください。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex itself cannot reach the sign-in server</source>
        <translation>Codex 自体がサインイン サーバーに接続できません</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Your own Codex tried to finish a test sign-in and its request to {host} never got an answer, although this tool reaches the server from here. Something that only Codex goes through stops it: a proxy, a certificate setting, a firewall or a VPN (an editor can start Codex with other settings than this window has).</source>
        <translation>お使いの Codex でテスト用のサインインを最後まで試しましたが、{host} への要求に応答がありませんでした。このツールからはサーバーに届いています。Codex だけが通る何かが止めています。プロキシ、証明書の設定、ファイアウォール、VPN などです（エディターはこのウィンドウとは別の設定で Codex を起動することがあります）。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Check the proxy and certificate settings of the program you sign in from (its settings and the variables it starts with), or ask IT whether a security program blocks Codex. Then press Check again.</source>
        <translation>サインインに使うプログラムのプロキシと証明書の設定（そのプログラムの設定と起動時の環境変数）を確認するか、セキュリティ ソフトが Codex をブロックしていないか IT 担当者に確認してください。そのあと「もう一度チェック」を押してください。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex&apos;s last sign-in got no answer, though it works from here</source>
        <translation>Codex の前回のサインインには応答がありませんでしたが、ここからは問題なくつながります</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex&apos;s own log ({log_file}) shows that its last sign-in ({attempt_started}) sent the sign-in code to {host}, but the request never got an answer. From here every check gets through, so what stopped it was in Codex&apos;s environment but not in this one: a proxy, a certificate setting, a firewall or a VPN. That happens when Codex runs with other settings than this check, for example inside an editor that was started with its own environment.</source>
        <translation>Codex 自身のログ（{log_file}）によると、前回のサインイン（{attempt_started}）でサインインのコードを {host} に送りましたが、その要求には応答がありませんでした。ここからはすべてのチェックが通るので、止めたのは Codex の環境にはあってこの環境にはないもの、つまりプロキシ、証明書の設定、ファイアウォール、VPN のどれかです。これは Codex がこのチェックとは別の設定で動いているときに起こります。たとえば、独自の環境で起動されたエディターの中で動いている場合です。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Sign in again from the same place that failed (the same editor or terminal). If it fails there again, fully quit and restart that editor so it takes this computer&apos;s current settings, and compare its proxy and certificate settings with the ones shown here. Then press Check again.</source>
        <translation>失敗したのと同じ場所（同じエディターまたはターミナル）からもう一度サインインしてください。そこでまた失敗する場合は、そのエディターを完全に終了して起動し直し、このコンピューターの今の設定を読み込ませてから、エディターのプロキシと証明書の設定をここに表示されている設定と比べてください。その後「もう一度チェック」を押してください。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Your account has to verify a phone number first</source>
        <translation>先にアカウントの電話番号確認が必要です</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The sign-in stopped at OpenAI&apos;s phone verification page (auth.openai.com/add-phone), so the browser never returned to Codex. This is a check on your account, not a problem of this computer: nothing here can fix it.</source>
        <translation>サインインが OpenAI の電話番号確認ページ（auth.openai.com/add-phone）で止まったため、ブラウザーが Codex に戻ってきませんでした。これはアカウントの確認であり、このコンピューターの問題ではありません。ここでは直せません。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Finish the phone verification on that page with a number that can receive text messages. If it refuses your number or the code never comes, sign out of chatgpt.com in the browser and try again later, or ask OpenAI support (help.openai.com).</source>
        <translation>そのページで、SMS を受け取れる電話番号を使って確認を済ませてください。番号が受け付けられない、またはコードが届かない場合は、ブラウザーで chatgpt.com からサインアウトして時間をおいてやり直すか、OpenAI サポート（help.openai.com）に問い合わせてください。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Your workspace does not allow Codex sign-in</source>
        <translation>ワークスペースが Codex へのサインインを許可していません</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The sign-in page answered that your ChatGPT workspace has sign-in to Codex switched off (codex_cli_workspace_disabled). Only a workspace admin can change that; nothing on this computer can.</source>
        <translation>サインインページは、あなたの ChatGPT ワークスペースでは Codex へのサインインがオフになっている（codex_cli_workspace_disabled）と答えました。これを変えられるのはワークスペースの管理者だけで、このコンピューター側では変えられません。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Ask your workspace admin to allow Codex for you, or sign in with another workspace or account that has Codex.</source>
        <translation>ワークスペースの管理者に Codex を許可してもらうか、Codex を使える別のワークスペースまたはアカウントでサインインしてください。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The sign-in in the browser expired or got mixed up</source>
        <translation>ブラウザーでのサインインが期限切れになったか、混線しました</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The sign-in page answered invalid_state: what the browser sent no longer matched the sign-in it started (an old tab, two sign-ins at the same time, or the Back button). Nothing on this computer is broken.</source>
        <translation>サインインページは invalid_state と答えました。ブラウザーが送った内容が、始めたサインインと一致しなくなっています（古いタブ、同時に 2 つのサインイン、または［戻る］ボタン）。このコンピューターに壊れているところはありません。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Close every OpenAI sign-in tab, start the sign-in again from Codex and finish it in the tab it opens, without going back. If it keeps happening right after you enter a phone number, that check is on your account: ask OpenAI support (help.openai.com).</source>
        <translation>OpenAI のサインイン用タブをすべて閉じ、Codex からサインインをやり直して、開いたタブの中で戻らずに最後まで進めてください。電話番号を入力した直後に毎回起きる場合は、アカウント側の確認です。OpenAI サポート（help.openai.com）に問い合わせてください。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Another program manages Codex&apos;s sign-in</source>
        <translation>別のプログラムが Codex のサインインを管理しています</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>{tools} is running. Account switchers and local proxy tools like it replace or renew Codex&apos;s saved sign-in behind Codex&apos;s back, so the sign-in you make can be swapped out or used up (refresh_token_reused).</source>
        <translation>{tools} が動いています。このようなアカウント切り替えツールやローカルのプロキシツールは、Codex の知らないうちに保存済みサインインを置き換えたり更新したりします。そのため、あなたがしたサインインが入れ替えられたり、使い切られたり（refresh_token_reused）します。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Quit that program (also from the tray or menu bar) or uninstall it, and turn off its proxy takeover so Codex&apos;s settings are its own again. Then sign in once. Do not run several programs that renew the same sign-in. Signing in again first signs you out of Codex on this computer (the app, the editor and the terminal share one sign-in); if the new sign-in does not finish, you stay signed out.</source>
        <translation>そのプログラムを終了するか（タスクトレイやメニューバーからも）アンインストールし、プロキシの乗っ取り機能をオフにして、Codex の設定を元に戻してください。そのあと一度だけサインインしてください。同じサインインを更新するプログラムを複数動かさないでください。サインインし直すと、まずこのコンピューター上の Codex からサインアウトされます（アプリ、エディター、ターミナルは 1 つのサインインを共有しています）。新しいサインインが完了しないと、サインアウトされたままになります。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Another program used up Codex&apos;s saved sign-in</source>
        <translation>別のプログラムが Codex の保存済みサインインを使い切りました</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex&apos;s saved sign-in can be renewed only once, and something else renewed it first (refresh_token_reused): usually another Codex app, an account switcher or a tool that shares the Codex sign-in folder. Codex then has to sign in again.</source>
        <translation>Codex の保存済みサインインは 1 回しか更新できませんが、先に別のものが更新してしまいました（refresh_token_reused）。多くの場合、別の Codex アプリ、アカウント切り替えツール、または Codex のサインイン用フォルダーを共有するツールです。Codex はもう一度サインインする必要があります。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Close the other Codex apps and the tools that use your Codex sign-in, then sign in again once. Signing in again first signs you out of Codex on this computer (the app, the editor and the terminal share one sign-in); if the new sign-in does not finish, you stay signed out.</source>
        <translation>Codex のサインインを使うほかの Codex アプリやツールを閉じてから、一度だけサインインし直してください。サインインし直すと、まずこのコンピューター上の Codex からサインアウトされます（アプリ、エディター、ターミナルは 1 つのサインインを共有しています）。新しいサインインが完了しないと、サインアウトされたままになります。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>A setting on this computer restricts how you may sign in</source>
        <translation>このコンピューターの設定がサインイン方法を制限しています</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex is set to allow only one kind of sign-in or only certain workspaces, and this sign-in is not one of them.</source>
        <translation>Codex は、1 種類のサインイン方法または特定のワークスペースだけを許可するように設定されていて、今回のサインインはそのどれにも当てはまりません。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Sign in the way the setting allows (the workspace or method your organisation chose), or ask your admin to change the setting.</source>
        <translation>設定が許可する方法（組織が選んだワークスペースまたは方法）でサインインするか、管理者に設定の変更を依頼してください。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Likely account-side: the browser never came back to Codex</source>
        <translation>アカウント側の可能性が高い: ブラウザーが Codex に戻ってきませんでした</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Everything Codex needs for sign-in works from this computer, but in the last sign-in the browser never came back from OpenAI&apos;s sign-in pages to Codex. {listener} That points at the account or workspace (a verification page, a workspace setting or an error on OpenAI&apos;s page), which this tool cannot see.</source>
        <translation>このコンピューターからは Codex のサインインに必要なものがすべて動いていますが、前回のサインインではブラウザーが OpenAI のサインインページから Codex に戻ってきませんでした。{listener} アカウントかワークスペース（確認ページ、ワークスペースの設定、OpenAI のページ上のエラー）に原因がある可能性が高く、これはこのツールからは見えません。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Start the sign-in again and look at the browser page where it stops. Paste its address or message into Sign-in Doctor; if it asks for a phone number or shows an error, contact OpenAI support (help.openai.com) with the exact text.</source>
        <translation>もう一度サインインを始めて、ブラウザーのどのページで止まるかを見てください。そのアドレスかメッセージを Sign-in Doctor に貼り付けてください。電話番号を求められたりエラーが表示されたりした場合は、その文面をそのまま添えて OpenAI サポート（help.openai.com）に問い合わせてください。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>One address of {host} does not answer</source>
        <translation>{host} のアドレスの一つが応答しません</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>{host} has {address_count} addresses, and not all of them answer. No answer from: {dead_addresses}. Answering: {live_addresses}. A program that happens to try the dead address first waits many seconds before it tries another, and Codex can give up before then.</source>
        <translation>{host} には {address_count} 個のアドレスがありますが、すべてが応答するわけではありません。応答なし: {dead_addresses}。応答あり: {live_addresses}。応答しないアドレスを先に試したプログラムは、別のアドレスを試すまで何秒も待つため、その前に Codex があきらめてしまうことがあります。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Try again on another network (a phone hotspot, say) or with another name server, or ask IT or your internet provider why that address is blocked from here.</source>
        <translation>別のネットワーク（スマートフォンのテザリングなど）や別のネームサーバーでもう一度試すか、そのアドレスがここから遮断されている理由を IT 担当者かインターネット事業者に尋ねてください。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Windows&apos; own certificate check refuses the sign-in server</source>
        <translation>Windows 自身の証明書チェックがサインイン サーバーを拒否しています</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>A Windows policy turns off automatic root certificate updates, and the root that vouches for {host} ({root}) was never downloaded. Codex uses Windows&apos; own certificate check, so it refuses the secure connection even where your browser works.</source>
        <translation>Windows のポリシーによってルート証明書の自動更新がオフになっていて、{host} を保証するルート証明書（{root}）がダウンロードされていません。Codex は Windows 自身の証明書チェックを使うため、ブラウザーでは開けても、安全な接続を拒否します。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Ask your IT administrator to allow automatic root certificate updates (or to install the missing root), then restart the computer and sign in again.</source>
        <translation>IT 管理者に、ルート証明書の自動更新を許可する（または足りないルート証明書をインストールする）よう依頼してください。そのあとコンピューターを再起動して、もう一度サインインしてください。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>A setting makes Codex ignore your saved sign-in</source>
        <translation>ある設定のせいで、Codex が保存済みのサインインを使いません</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>{variables} is set ({where}), so Codex uses it instead of the sign-in you saved in the browser, and fails while it is there. Signing in again does not help.</source>
        <translation>{variables} が設定されている（{where}）ため、Codex はブラウザーで保存したサインインの代わりにこれを使い、設定がある間は失敗します。サインインし直しても直りません。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Remove {remove} from your settings (the fix below does it for you), then fully quit and restart your editor and terminals.</source>
        <translation>設定から {remove} を取り除き（下の修正で自動的に行えます）、エディターとターミナルを完全に終了してから起動し直してください。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>WSL&apos;s own network stops the sign-in</source>
        <translation>WSL 自身のネットワークがサインインを止めています</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex runs inside WSL ({mode} networking), and WSL&apos;s network stops the connection to {host}, although Windows itself may reach it.</source>
        <translation>Codex は WSL の中で動いていて（{mode} ネットワーク）、WSL のネットワークが {host} への接続を止めています。Windows 自体からは届くかもしれません。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Follow the WSL steps (Fix): they show what to change in WSL&apos;s settings.</source>
        <translation>WSL の手順（修正）に従ってください。WSL の設定で何を変えればよいかを表示します。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex cannot reach {host}, which it needs right after sign-in</source>
        <translation>Codex が、サインインの直後に必要な {host} に接続できません</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex reaches the sign-in server, but not {host}: {detail}. Right after you sign in, Codex asks {host} which workspace to use (the Codex app&apos;s sign-in and success pages are there too), so the sign-in seems to finish and then fails: &quot;workspace routing discovery failed&quot; or &quot;timed out&quot;, a blank app, or a request to sign in again.</source>
        <translation>Codex はサインインサーバーには届きますが、{host} には届きません: {detail}。Codex はサインインの直後に、どのワークスペースを使うかを {host} に問い合わせます（Codex アプリのサインインページと完了ページもここにあります）。そのため、サインインは終わったように見えても、そのあと失敗します（「workspace routing discovery failed」または「timed out」、何も表示されないアプリ、またはもう一度サインインを求める画面）。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Ask IT to allow {host} on port 443 as well as auth.openai.com, or try another network. Then press Check again.</source>
        <translation>auth.openai.com と同じように {host} のポート 443 への接続も許可するよう IT 担当者に依頼するか、別のネットワークで試してください。そのあと「もう一度チェック」を押してください。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Signed in, but Codex cannot load your workspace</source>
        <translation>サインインはできましたが、Codex がワークスペースを読み込めません</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Your sign-in went through, but then Codex could not find out which ChatGPT workspace to use (&quot;workspace routing discovery&quot; on chatgpt.com). This is known from some Codex versions and from OpenAI&apos;s side (openai/codex#46382, #47034, #47374); the sign-in itself is not the problem.</source>
        <translation>サインインはできましたが、そのあと Codex がどの ChatGPT ワークスペースを使うかを確認できませんでした（chatgpt.com での「workspace routing discovery」）。これは一部の Codex のバージョンや OpenAI 側の問題として知られています（openai/codex#46382、#47034、#47374）。サインインそのものの問題ではありません。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Update Codex, or, if this began with an update, go back to the version before it. If you belong to several workspaces, choose the one you use with Codex. Signing in again with the Codex CLI (codex login) can help, because the app, the editor and the terminal share one sign-in; but it first signs you out, and if it does not finish you stay signed out.</source>
        <translation>Codex を更新してください。更新のあとに始まった場合は、その前のバージョンに戻してください。複数のワークスペースに入っている場合は、Codex で使うワークスペースを選んでください。Codex CLI でサインインし直す（codex login）と直ることがあります。アプリ、エディター、ターミナルは 1 つのサインインを共有しているためです。ただし、サインインし直すとまずサインアウトされ、完了しないとサインアウトされたままになります。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Codex takes another way to the sign-in server than your browser</source>
        <translation>Codex がブラウザーとは別の経路でサインインサーバーに接続しています</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>This computer&apos;s proxy settings, which your browser follows, go {browser_way}, but Codex goes {codex_way}, and that way fails: {detail} {tested} {option}</source>
        <translation>このコンピューターのプロキシ設定（ブラウザーはこれに従います）では{browser_way}接続しますが、Codex は{codex_way}接続し、その経路では失敗します: {detail} {tested} {option}</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Let Codex follow this computer&apos;s proxy settings (the fix below sets respect_system_proxy in Codex&apos;s config.toml), then quit Codex completely, start it again and sign in.</source>
        <translation>Codex がこのコンピューターのプロキシ設定に従うようにしてください（下の修正で Codex の config.toml に respect_system_proxy を設定します）。そのあと Codex を完全に終了してから起動し直し、サインインしてください。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The Codex app cannot save its own state file</source>
        <translation>Codex アプリが自分の状態ファイルを保存できません</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>The Codex app&apos;s log ({desktop_log}) shows that the app cannot save its state file, .codex-global-state.json in your .codex folder: Windows refuses to put the new copy in place (EXDEV, &quot;cross-device link not permitted&quot;). What the app changes there is lost when it restarts. This was reported after an update of the Windows app, together with the app failing right after sign-in (openai/codex#46786); what exactly it costs the sign-in is not known.</source>
        <translation>Codex アプリのログ（{desktop_log}）によると、アプリは .codex フォルダーにある状態ファイル .codex-global-state.json を保存できません。新しい内容を元の場所に置くことを Windows が拒んでいます（EXDEV、「cross-device link not permitted」）。アプリがそこで変えた内容は、再起動すると失われます。これは Windows 版アプリの更新後に、サインイン直後にアプリが動かなくなる問題と一緒に報告されています（openai/codex#46786）。サインインに具体的にどう影響するかはわかっていません。</translation>
    </message>
    <message>
        <location filename="../../resources/causes.json"/>
        <source>Update the Codex app. If the error stays after the update, report it to OpenAI with the log line under Details: Sign-in Doctor knows of no repair on this computer for it.</source>
        <translation>Codex アプリを更新してください。更新してもエラーが続く場合は、「詳細」にあるログの行を添えて OpenAI に報告してください。このコンピューター側でできる修復は、Sign-in Doctor では知られていません。</translation>
    </message>
    <message>
        <source>{setting} turns off Windows&apos; automatic root certificate updates, and the root that vouches for {host} ({root}) was never downloaded. Codex uses Windows&apos; own certificate check, so it refuses the secure connection even where your browser works.</source>
        <translation type="vanished">{setting} によって Windows のルート証明書の自動更新がオフになっていて、{host} を保証するルート証明書（{root}）がダウンロードされていません。Codex は Windows 自身の証明書チェックを使うため、ブラウザーでは開けても、安全な接続を拒否します。</translation>
    </message>
    <message>
        <source>One address of the sign-in server does not answer</source>
        <translation type="vanished">サインインサーバーのアドレスの一つが応答しません</translation>
    </message>
    <message>
        <source>Codex&apos;s saved sign-in holds only an API key, no ChatGPT sign-in, so Codex uses that key instead of your ChatGPT account. Account switchers write such a file when they switch accounts; if you did not set up an API key yourself, one of them replaced your sign-in.</source>
        <translation type="vanished">Codex の保存済みサインインには API キーしかなく、ChatGPT のサインインがありません。そのため Codex は ChatGPT アカウントではなく、そのキーを使います。アカウント切り替えツールは、アカウントを切り替えるときにこのようなファイルを書きます。自分で API キーを設定していないなら、そのどれかがサインインを置き換えています。</translation>
    </message>
    <message>
        <source>SSL_CERT_FILE points Codex at {ssl_cert_file}, which replaces your computer&apos;s own list of trusted certificates, and that file does not trust {host}.</source>
        <translation type="vanished">SSL_CERT_FILE が Codex に {ssl_cert_file} を使わせています。このファイルはコンピューター本来の信頼済み証明書の一覧を置き換えますが、{host} を信頼していません。</translation>
    </message>
    <message>
        <source>{variable} is set to {path}, but {problem}. Codex stops before it even tries to sign in.</source>
        <translation type="vanished">{variable} に {path} が設定されていますが、{problem}。Codex はサインインを試す前に止まってしまいます。</translation>
    </message>
    <message>
        <source>Codex is told to use the proxy {proxy} ({proxy_source}), but Codex cannot use a &apos;{scheme}&apos; proxy.</source>
        <translation type="vanished">Codex はプロキシ {proxy}（{proxy_source}）を使うよう設定されていますが、Codex は「{scheme}」形式のプロキシを使えません。</translation>
    </message>
    <message>
        <source>Everything Codex needs for sign-in works from this computer: the sign-in server answers, the connection is trusted, the clock is right and the sign-in port is free. If sign-in still fails, the problem is most likely on OpenAI&apos;s side or with the account.</source>
        <translation type="vanished">サインインに必要なことは、このコンピューターからすべて正常に動いています。サインインサーバーは応答し、接続は信頼され、時計は正確で、サインイン用のポートも空いています。それでもサインインできない場合、原因は OpenAI 側かアカウントにある可能性が高いです。</translation>
    </message>
    <message>
        <source>Close the program that holds the port (often another editor or Codex window) and sign in again, or sign in with a device code instead.</source>
        <translation type="vanished">ポートを使っているプログラム（多くは別のエディターや Codex のウィンドウ）を閉じてからもう一度サインインするか、代わりにデバイスコードでサインインしてください。</translation>
    </message>
</context>
<context>
    <name>cert_lint</name>
    <message>
        <location filename="../../wizard/net/cert_lint.py"/>
        <source>an unnamed certificate authority</source>
        <translation>名前のない認証局</translation>
    </message>
    <message>
        <location filename="../../wizard/net/cert_lint.py"/>
        <source>&apos;{who}&apos; is signed with {hash}, which Codex and other strict programs reject.</source>
        <translation>「{who}」は {hash} で署名されています。Codex などの厳しいプログラムはこれを拒否します。</translation>
    </message>
    <message>
        <location filename="../../wizard/net/cert_lint.py"/>
        <source>&apos;{who}&apos; has a {bits}-bit RSA key; Codex and other strict programs need at least {minimum} bits.</source>
        <translation>「{who}」の RSA 鍵は {bits} ビットです。Codex などの厳しいプログラムには {minimum} ビット以上が必要です。</translation>
    </message>
    <message>
        <location filename="../../wizard/net/cert_lint.py"/>
        <source>&apos;{who}&apos; has no Authority Key Identifier, which Python 3.13 and other strict programs require.</source>
        <translation>「{who}」には Authority Key Identifier がありません。Python 3.13 などの厳しいプログラムはこれを必要とします。</translation>
    </message>
    <message>
        <location filename="../../wizard/net/cert_lint.py"/>
        <source>&apos;{who}&apos; is a certificate authority without a Subject Key Identifier, which Python 3.13 and other strict programs require.</source>
        <translation>「{who}」は Subject Key Identifier のない認証局です。Python 3.13 などの厳しいプログラムはこれを必要とします。</translation>
    </message>
    <message>
        <location filename="../../wizard/net/cert_lint.py"/>
        <source>&apos;{who}&apos; does not say it is a certificate authority (no basicConstraints), so strict programs do not accept what it signs.</source>
        <translation>「{who}」は認証局であることを示していません（basicConstraints がありません）。そのため、厳しいプログラムはこの証明書が署名したものを受け入れません。</translation>
    </message>
    <message>
        <location filename="../../wizard/net/cert_lint.py"/>
        <source>&apos;{who}&apos; does not mark its basicConstraints as critical, which Python 3.13 and other strict programs require of a certificate authority.</source>
        <translation>「{who}」は basicConstraints を critical にしていません。Python 3.13 などの厳しいプログラムは、認証局にこれを求めます。</translation>
    </message>
    <message>
        <location filename="../../wizard/net/cert_lint.py"/>
        <source>&apos;{who}&apos; is not valid until {start} (this computer&apos;s date is {today}).</source>
        <translation>「{who}」は {start} まで有効ではありません（このコンピューターの日付は {today}）。</translation>
    </message>
    <message>
        <location filename="../../wizard/net/cert_lint.py"/>
        <source>&apos;{who}&apos; expired on {end}.</source>
        <translation>「{who}」は {end} に期限切れになりました。</translation>
    </message>
</context>
<context>
    <name>chain</name>
    <message>
        <location filename="../../wizard/net/chain.py"/>
        <source>cannot connect to {host}:{port} ({error})</source>
        <translation>{host}:{port} に接続できません（{error}）</translation>
    </message>
    <message>
        <location filename="../../wizard/net/chain.py"/>
        <source>a &apos;{scheme}&apos; proxy cannot be tested this way</source>
        <translation>「{scheme}」形式のプロキシはこの方法では確認できません</translation>
    </message>
    <message>
        <location filename="../../wizard/net/chain.py"/>
        <source>the proxy {proxy} does not accept connections ({error})</source>
        <translation>プロキシ {proxy} が接続を受け付けません（{error}）</translation>
    </message>
    <message>
        <location filename="../../wizard/net/chain.py"/>
        <source>the proxy connection failed ({error})</source>
        <translation>プロキシへの接続に失敗しました（{error}）</translation>
    </message>
    <message>
        <location filename="../../wizard/net/chain.py"/>
        <source>the proxy {proxy} did not answer in time</source>
        <translation>プロキシ {proxy} から時間内に応答がありませんでした</translation>
    </message>
    <message>
        <location filename="../../wizard/net/chain.py"/>
        <source>the proxy closed the connection</source>
        <translation>プロキシが接続を閉じました</translation>
    </message>
    <message>
        <location filename="../../wizard/net/chain.py"/>
        <source>the proxy sent an endless answer</source>
        <translation>プロキシの応答が終わりませんでした</translation>
    </message>
    <message>
        <location filename="../../wizard/net/chain.py"/>
        <source>the proxy {proxy} answered &apos;{answer}&apos; to the tunnel request</source>
        <translation>プロキシ {proxy} がトンネルの要求に「{answer}」と応答しました</translation>
    </message>
    <message>
        <location filename="../../wizard/net/chain.py"/>
        <source>cancelled</source>
        <translation>キャンセルしました</translation>
    </message>
    <message>
        <location filename="../../wizard/net/chain.py"/>
        <source>the secure handshake got no answer within {seconds:.1f} seconds</source>
        <translation>安全な接続の確立（ハンドシェイク）に {seconds:.1f} 秒以内に応答がありませんでした</translation>
    </message>
    <message>
        <location filename="../../wizard/net/chain.py"/>
        <source>the connection was cut during the secure handshake</source>
        <translation>安全な接続の確立（ハンドシェイク）中に接続が切れました</translation>
    </message>
    <message>
        <location filename="../../wizard/net/chain.py"/>
        <source>the secure handshake failed ({reason})</source>
        <translation>安全な接続の確立（ハンドシェイク）に失敗しました（{reason}）</translation>
    </message>
</context>
<context>
    <name>chatgpt</name>
    <message>
        <location filename="../../wizard/checks/chatgpt_host.py"/>
        <source>Only checked for OpenAI&apos;s own sign-in server.</source>
        <translation>OpenAI 自身のサインインサーバーのときだけ確認します。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/chatgpt_host.py"/>
        <source>{host} does not answer Codex&apos;s request: {detail}.</source>
        <translation>{host} は Codex のリクエストに応答しません: {detail}。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/chatgpt_host.py"/>
        <source>{host} answers Codex (HTTP {status}).</source>
        <translation>{host} は Codex に応答しています（HTTP {status}）。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/chatgpt_host.py"/>
        <source>{host} is found, every address answers, the connection is trusted and it answers Codex.</source>
        <translation>{host} は見つかり、すべてのアドレスが応答し、接続は信頼されていて、Codex に応答しています。</translation>
    </message>
</context>
<context>
    <name>checks</name>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Proxy settings</source>
        <translation>プロキシの設定</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Certificate settings</source>
        <translation>証明書の設定</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Finding the sign-in server</source>
        <translation>サインインサーバーの名前解決</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Connecting to the sign-in server</source>
        <translation>サインインサーバーへの接続</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Every address of the sign-in server</source>
        <translation>サインインサーバーのすべてのアドレス</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Secure connection</source>
        <translation>安全な接続（TLS）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Windows certificate updates</source>
        <translation>Windows の証明書の更新</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Sign-in server answers</source>
        <translation>サインインサーバーの応答</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Finishing sign-in (token exchange)</source>
        <translation>サインインの完了（トークン交換）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Your browser&apos;s way to the sign-in server</source>
        <translation>ブラウザーの経路でのサインインサーバーへの接続</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Computer clock</source>
        <translation>コンピューターの時計</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>chatgpt.com (needed right after sign-in)</source>
        <translation>chatgpt.com（サインインの直後に必要）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Sign-in return port</source>
        <translation>サインインの戻り先ポート</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Where Codex runs</source>
        <translation>Codex の実行場所</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Editor settings</source>
        <translation>エディターの設定</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Codex installation</source>
        <translation>Codex のインストール</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Saved sign-in</source>
        <translation>保存されたサインイン</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Which sign-in Codex uses</source>
        <translation>Codex が使うサインイン</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Saving the sign-in</source>
        <translation>サインイン情報の保存</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Programs that change the sign-in</source>
        <translation>サインインを書き換えるプログラム</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Last sign-in attempt</source>
        <translation>前回のサインイン</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Windows Subsystem for Linux</source>
        <translation>WSL（Windows 上の Linux）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>WSL network</source>
        <translation>WSL のネットワーク</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Sign-in rules on this computer</source>
        <translation>このコンピューターのサインインのルール</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Your error message</source>
        <translation>あなたのエラーメッセージ</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>OpenAI status</source>
        <translation>OpenAI の稼働状況</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/catalog.py"/>
        <source>Your own Codex tries it</source>
        <translation>お使いの Codex で試す</translation>
    </message>
</context>
<context>
    <name>cli</name>
    <message>
        <location filename="../../wizard/cli.py"/>
        <source>Checking sign-in to {name} ({url}) ...</source>
        <translation>{name} へのサインインをチェックしています（{url}）…</translation>
    </message>
    <message>
        <location filename="../../wizard/cli.py"/>
        <source>Verdict: {title}  (sign-in step: {step})</source>
        <translation>診断結果: {title}  （サインインの手順: {step}）</translation>
    </message>
    <message>
        <location filename="../../wizard/cli.py"/>
        <source>Verdict: {title}</source>
        <translation>診断結果: {title}</translation>
    </message>
    <message>
        <location filename="../../wizard/cli.py"/>
        <source>Next: {action}</source>
        <translation>次にすること: {action}</translation>
    </message>
    <message>
        <location filename="../../wizard/cli.py"/>
        <source>Fixes: {fixes}  (python -m wizard fix FIX_ID)</source>
        <translation>修正: {fixes}  （python -m wizard fix FIX_ID）</translation>
    </message>
    <message>
        <location filename="../../wizard/cli.py"/>
        <source>Also found: {causes}</source>
        <translation>ほかに見つかった問題: {causes}</translation>
    </message>
    <message>
        <location filename="../../wizard/cli.py"/>
        <source>Your error message: {meaning}</source>
        <translation>表示されたエラーメッセージ: {meaning}</translation>
    </message>
    <message>
        <location filename="../../wizard/cli.py"/>
        <source>python -m wizard: error: cannot write the case file to {folder}: {reason}</source>
        <translation>python -m wizard: エラー: {folder} にレポートを書き込めません: {reason}</translation>
    </message>
    <message>
        <location filename="../../wizard/cli.py"/>
        <source>Case {case_id}: {title}</source>
        <translation>ケース {case_id}: {title}</translation>
    </message>
    <message>
        <location filename="../../wizard/cli.py"/>
        <source>  wrote {path}</source>
        <translation>  書き出しました: {path}</translation>
    </message>
</context>
<context>
    <name>clock</name>
    <message>
        <location filename="../../wizard/checks/clock.py"/>
        <source>Not tested: the sign-in server could not be asked.</source>
        <translation>未確認: サインインサーバーに問い合わせられませんでした。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/clock.py"/>
        <source>Not tested: the sign-in server did not tell its time.</source>
        <translation>未確認: サインインサーバーが時刻を返しませんでした。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/clock.py"/>
        <source>Not tested: the answer did not come from the sign-in server.</source>
        <translation>未確認: 応答がサインインサーバーからのものではありませんでした。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/clock.py"/>
        <source>Not tested: the sign-in server&apos;s time could not be read.</source>
        <translation>未確認: サインインサーバーの時刻を読み取れませんでした。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/clock.py"/>
        <source>ahead of</source>
        <translation>進んで</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/clock.py"/>
        <source>behind</source>
        <translation>遅れて</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/clock.py"/>
        <source>This computer&apos;s clock is {skew_human} {direction} the sign-in server&apos;s.</source>
        <translation>このコンピューターの時計はサインインサーバーより{skew_human}{direction}います。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/clock.py"/>
        <source>This computer&apos;s clock is right (off by {off} s).</source>
        <translation>このコンピューターの時計は正確です（ずれは {off} 秒）。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/clock.py"/>
        <source>This computer&apos;s clock is right (off by less than 1 s).</source>
        <translation>このコンピューターの時計は正確です（ずれは 1 秒未満）。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/clock.py"/>
        <source>{n} second</source>
        <translation>{n}秒</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/clock.py"/>
        <source>{n} seconds</source>
        <translation>{n}秒</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/clock.py"/>
        <source>{n} minute</source>
        <translation>{n}分</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/clock.py"/>
        <source>{n} minutes</source>
        <translation>{n}分</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/clock.py"/>
        <source>{n} hour</source>
        <translation>{n}時間</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/clock.py"/>
        <source>{n} hours</source>
        <translation>{n}時間</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/clock.py"/>
        <source>{n} day</source>
        <translation>{n}日</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/clock.py"/>
        <source>{n} days</source>
        <translation>{n}日</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/clock.py"/>
        <source>{a} {b}</source>
        <translation>{a}{b}</translation>
    </message>
</context>
<context>
    <name>codex</name>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>may lack custom-certificate support and the 1457 fallback</source>
        <translation>独自の証明書への対応や、予備ポート 1457 への切り替えがない可能性があります</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>not run: out of time</source>
        <translation>実行していません: 時間切れです</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>cannot be started</source>
        <translation>起動できません</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>did not answer to --version in time</source>
        <translation>--version に時間内に応答しませんでした</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>cannot be started ({error})</source>
        <translation>起動できません（{error}）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>--version printed no version (exit code {code})</source>
        <translation>--version がバージョンを表示しませんでした（終了コード {code}）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>on PATH</source>
        <translation>（PATH 上）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>no codex program inside the extension</source>
        <translation>拡張機能の中に codex プログラムがありません</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>built for another system</source>
        <translation>別のシステム用にビルドされています</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>in {editor}</source>
        <translation>（{editor} 内）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>Codex was not found on this computer&apos;s PATH or in an editor.</source>
        <translation>このコンピューターの PATH にもエディターの中にも Codex が見つかりませんでした。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>{version} {where}</source>
        <translation>{version}{where}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>{which} (and {count} more)</source>
        <translation>{which}（ほか {count} 件）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>Codex {which} is older than {known_good} and {warning}.</source>
        <translation>Codex {which} は {known_good} より古いため、{warning}。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>Codex {versions} is installed.</source>
        <translation>Codex {versions} がインストールされています。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>Codex is installed ({where}), but its version could not be read.</source>
        <translation>Codex はインストールされています{where}が、バージョンを読み取れませんでした。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>{n} day ago</source>
        <translation>{n} 日前</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>{n} days ago</source>
        <translation>{n} 日前</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>{n} hour ago</source>
        <translation>{n} 時間前</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>{n} hours ago</source>
        <translation>{n} 時間前</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>{n} minute ago</source>
        <translation>{n} 分前</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>{n} minutes ago</source>
        <translation>{n} 分前</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>just now</source>
        <translation>たった今</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>cannot be read: {error}</source>
        <translation>読み込めません: {error}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>line {line}: {detail}</source>
        <translation>{line} 行目: {detail}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>CODEX_HOME points to a folder that does not exist ({path}), so Codex cannot start.</source>
        <translation>CODEX_HOME が存在しないフォルダー（{path}）を指しているため、Codex は起動できません。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>{file} cannot be read ({error})</source>
        <translation>{file} を読み込めません（{error}）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>The saved sign-in {file} can be read by other users (mode {mode})</source>
        <translation>保存されたサインイン {file} をほかのユーザーも読めます（モード {mode}）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>the saved sign-in {file} can be read by other users (mode {mode})</source>
        <translation>保存されたサインイン {file} をほかのユーザーも読めます（モード {mode}）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>A ChatGPT sign-in is saved, but {names} is also set (mixed auth signals)</source>
        <translation>ChatGPT のサインインが保存されていますが、{names} も設定されています（認証方法が混在）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>a ChatGPT sign-in is saved, but {names} is also set (mixed auth signals)</source>
        <translation>ChatGPT のサインインが保存されていますが、{names} も設定されています（認証方法が混在）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>{warnings}.</source>
        <translation>{warnings}。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>; </source>
        <translation>。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>A saved sign-in exists in {path} (saved {age}).</source>
        <translation>{path} に保存されたサインインがあります（{age}に保存）。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>Codex saves its sign-in in the system keyring; no sign-in file is expected.</source>
        <translation>Codex はサインインをシステムのキーリングに保存します。サインインのファイルはなくて問題ありません。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex.py"/>
        <source>No sign-in is saved in {path} yet.</source>
        <translation>{path} にはまだサインイン情報が保存されていません。</translation>
    </message>
    <message>
        <source>Codex saves the sign-in in the system keyring.</source>
        <translation type="vanished">Codex はサインインをシステムのキーリングに保存します。</translation>
    </message>
    <message>
        <source>Codex cannot save a sign-in in {path} (not writable)</source>
        <translation type="vanished">Codex は {path} にサインインを保存できません（書き込みできません）</translation>
    </message>
    <message>
        <source>Codex can save a sign-in in {path} (none saved yet).</source>
        <translation type="vanished">Codex は {path} にサインインを保存できます（まだ保存されていません）。</translation>
    </message>
</context>
<context>
    <name>codex_probe</name>
    <message>
        <location filename="../../wizard/checks/codex_probe.py"/>
        <source>Not run: on this system Codex would open your browser at the sign-in page.</source>
        <translation>実行していません: このシステムでは Codex がブラウザーでサインイン ページを開いてしまいます。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex_probe.py"/>
        <source>Not run: programs cannot be started here.</source>
        <translation>実行していません: ここではプログラムを起動できません。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex_probe.py"/>
        <source>Not run: a Codex sign-in is waiting on port {port} right now, and a test sign-in would end it or fail beside it.</source>
        <translation>実行していません: いまポート {port} で Codex のサインインが待機中です。テスト用のサインインをすると、それを終わらせてしまうか、並んで失敗します。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex_probe.py"/>
        <source>Not run: no Codex program was found inside WSL to ask.</source>
        <translation>実行していません: WSL の中に、確かめに使える Codex が見つかりませんでした。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex_probe.py"/>
        <source>Not run: no Codex program was found to ask.</source>
        <translation>実行していません: 試せる Codex のプログラムが見つかりませんでした。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex_probe.py"/>
        <source>Codex inside WSL ({distro})</source>
        <translation>WSL 内の Codex ({distro})</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex_probe.py"/>
        <source>Your own Codex reached the sign-in server, which refused a test code as expected: the whole way to it works for Codex.</source>
        <translation>お使いの Codex がサインイン サーバーに届き、テスト用のコードは想定どおり拒否されました。Codex からサーバーまでの経路はすべて正常です。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex_probe.py"/>
        <source>Your own Codex did not start a sign-in in time.</source>
        <translation>お使いの Codex が時間内にサインインを開始しませんでした。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex_probe.py"/>
        <source>Your own Codex started a sign-in but did not answer on it.</source>
        <translation>お使いの Codex はサインインを開始しましたが、応答しませんでした。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex_probe.py"/>
        <source>Your own Codex did not finish its test sign-in in time.</source>
        <translation>お使いの Codex が時間内にテスト用のサインインを終えませんでした。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex_probe.py"/>
        <source>Your own Codex stops at the token exchange: it cannot use the certificate file it is told to use.</source>
        <translation>お使いの Codex はトークン交換の段階で止まります。指定された証明書ファイルを使えません。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex_probe.py"/>
        <source>Your own Codex cannot wait for the browser&apos;s return: its ports are taken.</source>
        <translation>お使いの Codex はブラウザーからの戻りを待てません。使うポートがふさがっています。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex_probe.py"/>
        <source>Your own Codex could not get an answer from the sign-in server: the request never arrived (a proxy, a certificate, a firewall or a VPN on its way).</source>
        <translation>お使いの Codex はサインイン サーバーから応答を得られませんでした。要求が届いていません（途中のプロキシ、証明書、ファイアウォール、VPN などが原因です）。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex_probe.py"/>
        <source>The sign-in server refused your own Codex because of the region.</source>
        <translation>サインイン サーバーは地域を理由にお使いの Codex を拒否しました。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/codex_probe.py"/>
        <source>The sign-in server had an error of its own when your Codex asked.</source>
        <translation>お使いの Codex が問い合わせたとき、サインイン サーバー側でエラーが起きました。</translation>
    </message>
    <message>
        <source>Not run: a Codex sign-in is waiting on port {port} right now, and a test sign-in would cancel it.</source>
        <translation type="vanished">実行していません: いまポート {port} で Codex のサインインが待機中です。テスト用のサインインをするとそれが取り消されてしまいます。</translation>
    </message>
</context>
<context>
    <name>decoder</name>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>A certificate setting points at a file that holds no certificates. The browser step works, then Codex fails at the token exchange (&quot;Token exchange failed&quot;).</source>
        <translation>証明書の設定が、証明書の入っていないファイルを指しています。ブラウザーでの手順は進みますが、その後のトークン交換で Codex が失敗します（「Token exchange failed」）。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>CODEX_CA_CERTIFICATE or SSL_CERT_FILE names a file without any PEM CERTIFICATE block (custom_ca.rs).</source>
        <translation>CODEX_CA_CERTIFICATE または SSL_CERT_FILE が、PEM の CERTIFICATE ブロックを含まないファイルを指しています（custom_ca.rs）。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>A certificate setting points at a file Codex cannot read. The browser step works, then Codex fails at the token exchange (&quot;Token exchange failed&quot;).</source>
        <translation>証明書の設定が、Codex の読めないファイルを指しています。ブラウザーでの手順は進みますが、その後のトークン交換で Codex が失敗します（「Token exchange failed」）。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>CODEX_CA_CERTIFICATE or SSL_CERT_FILE is missing, unreadable or malformed (custom_ca.rs).</source>
        <translation>CODEX_CA_CERTIFICATE または SSL_CERT_FILE のファイルが存在しないか、読めないか、形式が正しくありません（custom_ca.rs）。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>A certificate setting (CODEX_CA_CERTIFICATE or SSL_CERT_FILE) points at something Codex cannot read as a file, so Codex cannot make a trusted connection to sign in.</source>
        <translation>証明書の設定（CODEX_CA_CERTIFICATE または SSL_CERT_FILE）が、Codex がファイルとして読めないものを指しています。そのため Codex はサインインのための信頼できる接続を作れません。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>codex doctor: the custom CA variable names a missing, unreadable or non-file path.</source>
        <translation>codex doctor: 独自 CA の変数が、存在しない・読めない・ファイルではないパスを指しています。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The proxy Codex is told to use asks for a user name and password (HTTP 407), and Codex does not send them, so it cannot reach the sign-in server.</source>
        <translation>Codex が使うよう設定されているプロキシがユーザー名とパスワードを求めています（HTTP 407）。Codex はそれを送らないため、サインインサーバーに届きません。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The proxy answered 407 Proxy Authentication Required (to CONNECT or to a plain HTTP request).</source>
        <translation>プロキシが 407 Proxy Authentication Required を返しました（CONNECT または通常の HTTP 要求に対して）。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Codex did not trust the certificate it was shown for the sign-in server. Usually a company proxy or security program decrypts the connection, or SSL_CERT_FILE hides the computer&apos;s own trusted certificates.</source>
        <translation>Codex は、サインインサーバーとして示された証明書を信頼しませんでした。多くの場合、会社のプロキシやセキュリティソフトが接続を復号しているか、SSL_CERT_FILE がコンピューター本来の信頼済み証明書を隠しています。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>rustls rejected the chain: its root is not in the roots Codex uses.</source>
        <translation>rustls が証明書チェーンを拒否しました。そのルート証明書は Codex が使うルート証明書に含まれていません。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The certificate shown for the sign-in server is signed in an outdated way (typically an old inspection certificate of a company proxy), and Codex refuses it.</source>
        <translation>サインインサーバーとして示された証明書は古い方式で署名されているため（多くは会社のプロキシの古い検査用証明書）、Codex が拒否しています。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>rustls rejects SHA-1 or RSA-1024 signatures used by some inspection CAs.</source>
        <translation>rustls は、一部の検査用 CA が使う SHA-1 や RSA-1024 の署名を拒否します。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The sign-in server&apos;s certificate looks expired or not yet valid. Usually this computer&apos;s clock is wrong.</source>
        <translation>サインインサーバーの証明書が期限切れか、まだ有効になっていないように見えます。多くの場合、このコンピューターの時計がずれています。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>rustls certificate validity check failed (Expired / NotValidYet).</source>
        <translation>rustls の証明書の有効期間チェックに失敗しました（Expired / NotValidYet）。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Windows does not trust the certificate the server presented: its root certificate is not on this computer. Either Windows is not allowed to download it (a policy), or a security program re-signs the connection with its own certificate.</source>
        <translation>Windows は、サーバーが示した証明書を信頼していません。そのルート証明書がこのコンピューターにないためです。Windows がそれをダウンロードすることを（ポリシーで）禁止されているか、セキュリティ ソフトが独自の証明書で通信を署名し直しています。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>SChannel SEC_E_UNTRUSTED_ROOT (0x80090325): the chain ends at a root that is not in the Windows store (openai/codex #41275).</source>
        <translation>SChannel SEC_E_UNTRUSTED_ROOT (0x80090325): 証明書チェーンの最後が、Windows の証明書ストアにないルート証明書です（openai/codex #41275）。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Windows could not check whether the server&apos;s certificate was revoked, so it refused the secure connection. This is usual when a security program inspects the connection with certificates that name no address for that check.</source>
        <translation>Windows はサーバーの証明書が失効していないかを確認できなかったため、安全な接続を拒否しました。セキュリティ ソフトが、確認先のアドレスが書かれていない証明書で通信を検査しているときによく起こります。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>SChannel CRYPT_E_NO_REVOCATION_CHECK (0x80092012): the leaf has no reachable OCSP or CRL address (openai/codex #41275, curl/curl#12241).</source>
        <translation>SChannel CRYPT_E_NO_REVOCATION_CHECK (0x80092012): サーバー証明書に、接続できる OCSP や CRL のアドレスがありません（openai/codex #41275、curl/curl#12241）。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The certificate of the sign-in server was not trusted. Usually a company proxy or security program decrypts the connection.</source>
        <translation>サインインサーバーの証明書が信頼されませんでした。多くの場合、会社のプロキシやセキュリティソフトが接続を復号しています。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>OpenSSL/Python verification error (old Python-based login helper, or another tool).</source>
        <translation>OpenSSL/Python の検証エラーです（Python ベースの古いログイン補助、または別のツール）。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The secure connection to OpenAI failed because the certificate was not trusted. Usually a company proxy or security program decrypts the connection, or a certificate setting (CODEX_CA_CERTIFICATE or SSL_CERT_FILE) points at a wrong or empty file.</source>
        <translation>証明書が信頼されなかったため、OpenAI への安全な接続に失敗しました。多くの場合、会社のプロキシやセキュリティソフトが通信を復号しているか、証明書の設定（CODEX_CA_CERTIFICATE または SSL_CERT_FILE）が間違ったファイルや空のファイルを指しています。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>codex doctor: the TLS handshake or the certificate check failed (the lab shows this both for an intercepting proxy and for a missing, empty or non-PEM CA file).</source>
        <translation>codex doctor: TLS ハンドシェイクまたは証明書の検証に失敗しました（検証環境では、通信を傍受するプロキシでも、存在しない・空・PEM ではない CA ファイルでも、この表示になりました）。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The sign-in server refused the connection Codex made because of the country or region it came from. The browser may use a VPN or proxy that Codex does not.</source>
        <translation>サインインサーバーは、接続元の国または地域を理由に Codex の接続を拒否しました。ブラウザーは Codex が使っていない VPN やプロキシを使っている可能性があります。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>POST /oauth/token answered 403 with unsupported_country_region_territory.</source>
        <translation>POST /oauth/token が 403（unsupported_country_region_territory）を返しました。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The sign-in server refused to finish the sign-in (403 Forbidden). Most often it refuses the region the connection comes from.</source>
        <translation>サインインサーバーがサインインの完了を拒否しました（403 Forbidden）。多くの場合、接続元の地域が拒否されています。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>POST /oauth/token answered 403.</source>
        <translation>POST /oauth/token が 403 を返しました。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>OpenAI&apos;s sign-in server had an error of its own while finishing the sign-in.</source>
        <translation>サインインを完了する途中で、OpenAI のサインインサーバー自身にエラーが起きました。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>POST /oauth/token answered 5xx.</source>
        <translation>POST /oauth/token が 5xx を返しました。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The sign-in server rejected the sign-in code. It may have expired or been used already: start the sign-in again.</source>
        <translation>サインインサーバーがサインインコードを拒否しました。期限切れか、すでに使われた可能性があります。もう一度サインインを始めてください。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>POST /oauth/token answered a non-2xx status.</source>
        <translation>POST /oauth/token が 2xx 以外の状態を返しました。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Codex could not look up the address of OpenAI&apos;s server by itself. With a proxy this can be normal (the proxy looks addresses up); without one, this computer cannot find OpenAI&apos;s servers.</source>
        <translation>Codex は OpenAI のサーバーのアドレスを自分で調べられませんでした。プロキシを使っている場合は正常なこともあります（アドレスはプロキシが調べます）。プロキシがない場合、このコンピューターは OpenAI のサーバーを見つけられません。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>codex doctor: its own DNS lookup of the provider host failed.</source>
        <translation>codex doctor: 接続先ホストの DNS 検索（Codex 自身による）に失敗しました。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>This computer could not look up the address of the sign-in server.</source>
        <translation>このコンピューターはサインインサーバーのアドレスを調べられませんでした。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Name resolution failed inside the HTTP client.</source>
        <translation>HTTP クライアント内で名前解決に失敗しました。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Something refused the connection. Most often Codex is told to use a proxy that is no longer running.</source>
        <translation>何かが接続を拒否しました。多くの場合、Codex がもう動いていないプロキシを使うよう設定されています。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>TCP connect refused (ECONNREFUSED).</source>
        <translation>TCP 接続が拒否されました（ECONNREFUSED）。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Sending the sign-in code to the sign-in server timed out: something on the way (firewall, VPN, proxy) swallows the connection.</source>
        <translation>サインインコードをサインインサーバーに送る処理がタイムアウトしました。途中の何か（ファイアウォール、VPN、プロキシ）が接続を止めています。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>reqwest transport error with is_timeout=true (codex-login.log).</source>
        <translation>reqwest の通信エラー（is_timeout=true、codex-login.log）。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Codex could not set up the connection to the sign-in server to send the sign-in code. This covers the proxy (not running, or asking for a password), the certificate check (a company proxy or security program decrypting the connection, or a wrong certificate setting), a firewall, a VPN and DNS.</source>
        <translation>Codex はサインインコードを送るためのサインインサーバーへの接続を確立できませんでした。原因になりうるのは、プロキシ（動いていない、またはパスワードを求めている）、証明書の検証（会社のプロキシやセキュリティソフトによる通信の復号、または証明書の設定の誤り）、ファイアウォール、VPN、DNS です。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>reqwest transport error with is_connect=true (codex-login.log): the connect phase includes the proxy CONNECT and the TLS handshake.</source>
        <translation>reqwest の通信エラー（is_connect=true、codex-login.log）。接続の段階には、プロキシへの CONNECT と TLS ハンドシェイクも含まれます。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Codex&apos;s first connection to the sign-in server failed, so it tried once more with this computer&apos;s system proxy settings. The next lines tell whether that worked.</source>
        <translation>Codex の最初のサインインサーバーへの接続が失敗したため、このコンピューターのシステムのプロキシ設定でもう一度試しました。うまくいったかどうかは、続く行に出ています。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>codex-login.log: the token request failed to connect and is retried with the system proxy.</source>
        <translation>codex-login.log: トークン要求の接続に失敗し、システムのプロキシで再試行しています。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Sending the sign-in code to the sign-in server failed on the way (network, proxy or secure connection).</source>
        <translation>サインインコードをサインインサーバーに送る途中で失敗しました（ネットワーク、プロキシ、または安全な接続）。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>reqwest transport error during POST /oauth/token (codex-login.log).</source>
        <translation>POST /oauth/token 中の reqwest の通信エラー（codex-login.log）。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The last sign-in failed while sending the code to the sign-in server: the network, a proxy or the secure connection stopped it. Your browser sign-in itself worked.</source>
        <translation>前回のサインインは、コードをサインインサーバーに送る途中で失敗しました。ネットワーク、プロキシ、または安全な接続で止まっています。ブラウザーでのサインイン自体はうまくいっています。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>reqwest transport error (DNS, TCP, proxy or TLS) on POST /oauth/token.</source>
        <translation>POST /oauth/token での reqwest の通信エラー（DNS、TCP、プロキシ、または TLS）。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Codex could not reach the sign-in server to start a sign-in with a device code: the network, a proxy or the secure connection stopped it.</source>
        <translation>デバイスコードでのサインインを始めるためにサインインサーバーへ接続できませんでした。ネットワーク、プロキシ、または安全な接続のどこかで止められています。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>reqwest transport error (DNS, TCP, proxy or TLS) on POST /api/accounts/deviceauth/usercode or /token.</source>
        <translation>POST /api/accounts/deviceauth/usercode または /token での reqwest の通信エラー（DNS、TCP、プロキシ、または TLS）。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Codex&apos;s own check got no answer from OpenAI&apos;s server in time: something on the way (a proxy, firewall or VPN) holds the connection without answering.</source>
        <translation>Codex 自身の確認で、OpenAI のサーバーから時間内に応答がありませんでした。途中のもの（プロキシ、ファイアウォール、または VPN）が応答しないまま接続を止めています。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>codex doctor: the provider reachability probe timed out.</source>
        <translation>codex doctor: 接続先への到達確認がタイムアウトしました。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Codex&apos;s own check could not open a connection to OpenAI&apos;s server. Most often the proxy Codex is told to use is not running; otherwise a firewall or VPN blocks the connection.</source>
        <translation>Codex 自身の確認で、OpenAI のサーバーへの接続を開けませんでした。多くの場合、Codex が使うよう設定されているプロキシが動いていません。そうでなければ、ファイアウォールや VPN が接続を遮っています。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>codex doctor: the provider reachability probe failed to connect (also when the proxy refuses the connection).</source>
        <translation>codex doctor: 接続先への到達確認で接続に失敗しました（プロキシが接続を拒否した場合もこの表示です）。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Codex cannot use the proxy setting it found: the proxy address is malformed, of a kind Codex does not support, or the system proxy settings could not be read.</source>
        <translation>Codex は見つけたプロキシ設定を使えません。プロキシのアドレスの形式が正しくないか、Codex が対応していない種類か、システムのプロキシ設定を読み取れませんでした。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>codex doctor: proxy configuration could not be used for the reachability probe.</source>
        <translation>codex doctor: 到達確認にプロキシ設定を使えませんでした。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Codex&apos;s own check could not reach OpenAI&apos;s servers. The same problem (a proxy, VPN, firewall, DNS or certificate) usually stops the sign-in too; the line below it in the doctor output says which.</source>
        <translation>Codex 自身の確認で、OpenAI のサーバーに届きませんでした。同じ問題（プロキシ、VPN、ファイアウォール、DNS、または証明書）は、たいていサインインも止めます。どれが原因かは、doctor の出力でこの行の下に出ています。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>codex doctor: network.provider_reachability failed.</source>
        <translation>codex doctor: network.provider_reachability が失敗しました。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Codex&apos;s check of its live connection (WebSocket) failed. Codex falls back to ordinary HTTPS, so this alone does not stop sign-in.</source>
        <translation>Codex の常時接続（WebSocket）の確認が失敗しました。Codex は通常の HTTPS に切り替えるので、これだけではサインインは止まりません。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>codex doctor: network.websocket_reachability warning.</source>
        <translation>codex doctor: network.websocket_reachability の警告です。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Codex could not reach an OpenAI server: the network, a proxy or the secure connection stopped it.</source>
        <translation>Codex は OpenAI のサーバーに届きませんでした。ネットワーク、プロキシ、または安全な接続で止まっています。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>reqwest transport error (DNS, TCP, proxy or TLS).</source>
        <translation>reqwest の通信エラー（DNS、TCP、プロキシ、または TLS）。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Windows does not let Codex use the sign-in port: it is reserved for Windows networking (Hyper-V, WSL or Docker).</source>
        <translation>Windows が Codex にサインイン用のポートを使わせません。そのポートは Windows のネットワーク機能（Hyper-V、WSL、Docker）のために予約されています。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>bind() failed with WSAEACCES (10013): the port is inside an excluded port range.</source>
        <translation>bind() が WSAEACCES（10013）で失敗しました。ポートが除外ポート範囲の中にあります。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Another program already uses the sign-in port, so Codex cannot wait for the browser&apos;s return.</source>
        <translation>別のプログラムがすでにサインイン用のポートを使っているため、Codex はブラウザーからの戻りを待てません。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>bind() failed with WSAEADDRINUSE (10048).</source>
        <translation>bind() が WSAEADDRINUSE（10048）で失敗しました。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Another program already uses the sign-in port (1455, and 1457 on newer Codex), so Codex cannot wait for the browser&apos;s return.</source>
        <translation>別のプログラムがすでにサインイン用のポート（1455、新しい Codex では 1457 も）を使っているため、Codex はブラウザーからの戻りを待てません。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The login server could not bind 127.0.0.1:1455 (and its fallback 1457).</source>
        <translation>ログインサーバーが 127.0.0.1:1455（と予備の 1457）で待ち受けを開始できませんでした。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Port 1455 was held by a program other than a waiting Codex sign-in, so Codex could not ask it to stop. Newer Codex then uses its fallback port 1457.</source>
        <translation>ポート 1455 を、待機中の Codex のサインイン以外のプログラムが使っていたため、Codex はそれに終了を頼めませんでした。新しい Codex はそのあと予備のポート 1457 を使います。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The login server could not bind 1455 and its /cancel request to the holder failed (e.g. Broken pipe); Codex 0.169 then falls back to 1457.</source>
        <translation>ログインサーバーが 1455 を使えず、そのポートを使っているプログラムへの /cancel 要求も失敗しました（例: Broken pipe）。Codex 0.169 はそのあと 1457 に切り替えます。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>bind() failed with EADDRINUSE.</source>
        <translation>bind() が EADDRINUSE で失敗しました。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Port 1455 was busy, so Codex used its fallback port 1457 for the browser&apos;s return.</source>
        <translation>ポート 1455 が使用中だったため、Codex はブラウザーからの戻りに予備のポート 1457 を使いました。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Login server fell back to FALLBACK_PORT 1457.</source>
        <translation>ログインサーバーが FALLBACK_PORT 1457 に切り替えました。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The browser&apos;s return reached a different sign-in window than the one that started it (another Codex, editor or a WSL copy is listening on the same port).</source>
        <translation>ブラウザーからの戻りが、サインインを始めたものとは別のサインイン画面に届きました（別の Codex、エディター、または WSL 内のコピーが同じポートで待ち受けています）。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The callback&apos;s state parameter did not match the waiting login server.</source>
        <translation>コールバックの state パラメーターが、待機中のログインサーバーと一致しませんでした。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Windows uses a proxy on its own 127.0.0.1, and WSL runs in NAT networking, where 127.0.0.1 is the Linux system itself: programs inside WSL, Codex included, cannot reach that proxy.</source>
        <translation>Windows は自身の 127.0.0.1 にあるプロキシを使っていますが、WSL は NAT ネットワークで動いていて、そこでは 127.0.0.1 は Linux 自身を指します。そのため、Codex を含む WSL の中のプログラムは、そのプロキシに届きません。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>wsl.exe&apos;s warning: autoProxy found a localhost proxy and did not pass it on, because NAT mode cannot reach Windows&apos; loopback (field-failure-modes-2026 §1.14).</source>
        <translation>wsl.exe の警告: autoProxy が localhost のプロキシを見つけましたが、NAT モードでは Windows のループバックに届かないため、WSL に引き継ぎませんでした（field-failure-modes-2026 §1.14）。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The editor starts Codex inside WSL (Linux on Windows). The sign-in&apos;s return then reaches the wrong side, and the sign-in fails even though the network is fine.</source>
        <translation>エディターが Codex を WSL（Windows 上の Linux）の中で起動しています。そのため、サインイン後の戻りが別の側に届き、ネットワークに問題がなくてもサインインに失敗します。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The openai.chatgpt extension runs codex app-server via wsl.exe (chatgpt.runCodexInWindowsSubsystemForLinux).</source>
        <translation>openai.chatgpt 拡張機能が wsl.exe 経由で codex app-server を実行しています（chatgpt.runCodexInWindowsSubsystemForLinux）。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The editor looked for a WSL (Linux on Windows) system to run Codex in.</source>
        <translation>エディターが Codex を動かすための WSL（Windows 上の Linux）のシステムを探しました。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The extension enumerated WSL distributions before starting codex app-server.</source>
        <translation>拡張機能が codex app-server を起動する前に WSL のディストリビューションを列挙しました。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The browser&apos;s return never reached Codex before it gave up waiting.</source>
        <translation>Codex が待つのをやめるまでに、ブラウザーからの戻りが届きませんでした。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>No request on /auth/callback before the timeout.</source>
        <translation>タイムアウトまでに /auth/callback へのリクエストがありませんでした。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The sign-in window closed before the browser&apos;s return reached Codex (cancelled, or the return went to another place).</source>
        <translation>ブラウザーからの戻りが Codex に届く前に、サインインの待ち受けが終了しました（キャンセルされたか、戻りが別の場所に届きました）。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The login server shut down without a completed callback.</source>
        <translation>コールバックが完了しないまま、ログインサーバーが終了しました。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The sign-in was cancelled, often because a newer sign-in attempt replaced it.</source>
        <translation>サインインがキャンセルされました。多くの場合、新しいサインインの試みに置き換えられたためです。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The login server received /cancel.</source>
        <translation>ログインサーバーが /cancel を受け取りました。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The sign-in stopped at OpenAI&apos;s phone verification page: your account has to confirm a phone number before it can sign in to Codex.</source>
        <translation>サインインが OpenAI の電話番号確認ページで止まりました。Codex にサインインする前に、アカウントで電話番号を確認する必要があります。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The authorize (or device code) flow redirected to https://auth.openai.com/add-phone (openai/codex #25670, #25828).</source>
        <translation>認可（またはデバイスコード）のフローが https://auth.openai.com/add-phone にリダイレクトされました（openai/codex #25670, #25828）。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>OpenAI&apos;s phone verification page refused your phone number or could not send it a code, so the sign-in cannot go on.</source>
        <translation>OpenAI の電話番号確認ページがあなたの電話番号を受け付けなかったか、確認コードを送れなかったため、サインインを続けられません。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>add-phone page texts (openai/codex #25828, #27737).</source>
        <translation>add-phone ページの文言（openai/codex #25828, #27737）。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Your ChatGPT workspace has sign-in to Codex switched off. Only a workspace admin can turn it on.</source>
        <translation>あなたの ChatGPT ワークスペースでは Codex へのサインインがオフになっています。オンにできるのはワークスペースの管理者だけです。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>auth.openai.com error page: An error occurred during authentication (codex_cli_workspace_disabled) (openai/codex #17833).</source>
        <translation>auth.openai.com のエラーページ: An error occurred during authentication (codex_cli_workspace_disabled)（openai/codex #17833）。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The browser&apos;s sign-in no longer matched the one it started (an old tab, a second sign-in at the same time, or the Back button). Start the sign-in again from Codex.</source>
        <translation>ブラウザーのサインインが、始めたものと一致しなくなりました（古いタブ、同時に 2 つ目のサインイン、または［戻る］ボタン）。Codex からサインインをやり直してください。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>auth.openai.com error page: An error occurred during authentication (invalid_state) (openai/codex #21280, #20922).</source>
        <translation>auth.openai.com のエラーページ: An error occurred during authentication (invalid_state)（openai/codex #21280, #20922）。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>OpenAI&apos;s sign-in page showed an error of its own. It names no cause on this computer, so it is most likely about the account or the sign-in session.</source>
        <translation>OpenAI のサインインページが独自のエラーを表示しました。このコンピューター上の原因は示していないため、アカウントかサインインのセッションに関するものである可能性が高いです。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>auth.openai.com error page with an error code, e.g. unknown_error or empty_string (NadirRouter/NadirClaw#10, diegosouzapw/OmniRoute#1330).</source>
        <translation>エラーコード付きの auth.openai.com エラーページ。例: unknown_error、empty_string（NadirRouter/NadirClaw#10, diegosouzapw/OmniRoute#1330）。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Codex&apos;s saved sign-in was already renewed by another program (another Codex app or a tool that shares the Codex sign-in), so Codex has to sign in again.</source>
        <translation>Codex の保存済みサインインが別のプログラム（別の Codex アプリや Codex のサインインを共有するツール）によって先に更新されたため、Codex はもう一度サインインする必要があります。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The single-use refresh token was used twice: 400 refresh_token_reused (openai/codex #6498, #9634, #24365, #36525; PR #24830).</source>
        <translation>1 回限りのリフレッシュトークンが 2 回使われました: 400 refresh_token_reused（openai/codex #6498, #9634, #24365, #36525; PR #24830）。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The sign-in went through, but then Codex could not find out which ChatGPT workspace to use, so it shows an error, a blank screen or the sign-in again.</source>
        <translation>サインインはできましたが、そのあと Codex がどの ChatGPT ワークスペースを使うかを確認できなかったため、エラー、何も表示されない画面、またはもう一度サインインを求める画面になります。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>account/read: workspace routing discovery against chatgpt.com/backend-api/wham/accounts/check failed (strings of Codex 0.169.0; openai/codex #46382, #47034, #47374).</source>
        <translation>account/read: chatgpt.com/backend-api/wham/accounts/check に対するワークスペースのルーティング確認（workspace routing discovery）が失敗しました（Codex 0.169.0 の文字列。openai/codex #46382、#47034、#47374）。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The sign-in went through, but then Codex ran out of time asking chatgpt.com which workspace to use. chatgpt.com answers too slowly from here, for example because one of its addresses does not answer.</source>
        <translation>サインインはできましたが、そのあと Codex がどのワークスペースを使うかを chatgpt.com に問い合わせている間に時間切れになりました。ここから chatgpt.com への応答が遅すぎます。たとえば、そのアドレスの一つが応答していません。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>account/read: workspace routing discovery timed out (a string of Codex 0.169.0; openai/codex #41044: one silent chatgpt.com address, about 10 s to fall back).</source>
        <translation>account/read: ワークスペースのルーティング確認が時間切れになりました（Codex 0.169.0 の文字列。openai/codex #41044: chatgpt.com のアドレスの一つが応答せず、切り替えに約 10 秒）。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The sign-in went through, but OpenAI&apos;s server answered the Codex app that it cannot tell which workspace to use right now (HTTP 432). This is on OpenAI&apos;s side or in that app version.</source>
        <translation>サインインはできましたが、OpenAI のサーバーが Codex アプリに、今はどのワークスペースを使うかを答えられないと返しました（HTTP 432）。原因は OpenAI 側かそのアプリのバージョンにあります。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Desktop log: sa_server_request_failed errorMessage=&quot;Workspace routing is unavailable&quot; status=432 on /wham/profiles/me, /accounts/verified_access, /settings/user (openai/codex #46786, #46812).</source>
        <translation>デスクトップアプリのログ: /wham/profiles/me、/accounts/verified_access、/settings/user への sa_server_request_failed errorMessage=&quot;Workspace routing is unavailable&quot; status=432（openai/codex #46786、#46812）。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The app could not load what it needs from chatgpt.com before it can sign you in.</source>
        <translation>アプリが、サインインに必要な情報を chatgpt.com から読み込めませんでした。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>ChatGPT Desktop shows it with only a Retry button (openai/codex #46613).</source>
        <translation>ChatGPT デスクトップアプリが「再試行」ボタンだけを表示します（openai/codex #46613）。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The Codex app cannot save its own state file (.codex-global-state.json in your .codex folder): Windows refuses to put the new copy in place (EXDEV). What the app changes there is lost when it restarts.</source>
        <translation>Codex アプリが自分の状態ファイル（.codex フォルダーの .codex-global-state.json）を保存できません。新しい内容を元の場所に置くことを Windows が拒んでいます（EXDEV）。アプリがそこで変えた内容は、再起動すると失われます。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Desktop log: [global-state] Failed to persist global state errorCode=EXDEV, across several starts of app 26.915.4065.0 and beside the 432 answers (openai/codex#46786). EXDEV is Node.js&apos;s &quot;cross-device link not permitted&quot;: a rename the system sees as crossing drives.</source>
        <translation>デスクトップアプリのログ: [global-state] Failed to persist global state errorCode=EXDEV。アプリ 26.915.4065.0 の何回もの起動で、432 の応答と並んで記録されています（openai/codex#46786）。EXDEV は Node.js の「cross-device link not permitted」で、システムがドライブをまたぐと見なした名前の変更（rename）です。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The Codex app has lost its sign-in: it sends its requests to chatgpt.com without it, so it shows the sign-in screen (or &quot;token revoked&quot;) again, even while &quot;codex login status&quot; says you are signed in.</source>
        <translation>Codex アプリがサインインを失っています。chatgpt.com への要求をサインインなしで送るため、「codex login status」ではサインイン済みと表示されていても、サインイン画面（または「token revoked」）がまた表示されます。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Desktop log: auth_status_result hasToken=false nullReason=auth_token_missing, then desktop_fetch_auth_401 hadToken=false skipRetryReason=no_token_attached; chatgpt.com answers &quot;Unauthorized - Access token is missing&quot; (openai/codex#39491, #39850, #40699, #44578).</source>
        <translation>デスクトップアプリのログ: auth_status_result hasToken=false nullReason=auth_token_missing、続いて desktop_fetch_auth_401 hadToken=false skipRetryReason=no_token_attached。chatgpt.com は「Unauthorized - Access token is missing」と応答します（openai/codex#39491、#39850、#40699、#44578）。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>chatgpt.com refused a request of the Codex app as not signed in (HTTP 401). In the reported cases the app lost its sign-in right after.</source>
        <translation>chatgpt.com が Codex アプリの要求を、サインインしていないとして拒否しました（HTTP 401）。報告された例では、その直後にアプリがサインインを失っています。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Desktop log: desktop_fetch_auth_401 hadToken=true tokenSource=cached willRetry=true, or sa_server_request_failed status=401 (openai/codex#30775, #39850, #44578).</source>
        <translation>デスクトップアプリのログ: desktop_fetch_auth_401 hadToken=true tokenSource=cached willRetry=true、または sa_server_request_failed status=401（openai/codex#30775、#39850、#44578）。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Your ChatGPT workspace does not include Codex. Ask your workspace administrator for access.</source>
        <translation>お使いの ChatGPT ワークスペースには Codex が含まれていません。ワークスペースの管理者にアクセス権を依頼してください。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>access_denied + missing_codex_entitlement from the authorize step.</source>
        <translation>認可の段階で access_denied + missing_codex_entitlement が返されました。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Codex is set to allow only a certain workspace, and you signed in with another one.</source>
        <translation>Codex は特定のワークスペースだけを許可するよう設定されていますが、別のワークスペースでサインインしました。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>forced_chatgpt_workspace_id in config.toml does not match the chosen workspace.</source>
        <translation>config.toml の forced_chatgpt_workspace_id が、選んだワークスペースと一致しません。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Codex is configured to allow only one kind of sign-in, and this one is switched off.</source>
        <translation>Codex は 1 種類のサインイン方法だけを許可するよう設定されており、この方法はオフになっています。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>forced_login_method in config.toml.</source>
        <translation>config.toml の forced_login_method。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The sign-in page itself returned an error (for example access denied) instead of a sign-in code.</source>
        <translation>サインインページ自体が、サインインコードの代わりにエラー（たとえばアクセス拒否）を返しました。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The callback carried an OAuth error parameter.</source>
        <translation>コールバックに OAuth のエラーパラメーターが含まれていました。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The browser came back without a sign-in code. Start the sign-in again from Codex.</source>
        <translation>ブラウザーがサインインコードを持たずに戻ってきました。Codex からもう一度サインインを始めてください。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Callback request without a code parameter.</source>
        <translation>code パラメーターのないコールバックのリクエストです。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Sign-in worked, but Codex could not save it on this computer (the folder or keyring is not writable).</source>
        <translation>サインインはできましたが、Codex がこのコンピューターに保存できませんでした（フォルダーまたはキーリングに書き込めません）。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Writing auth.json or the keyring entry failed.</source>
        <translation>auth.json またはキーリングへの書き込みに失敗しました。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Codex could not use the system keyring for your sign-in and used a file in its folder instead.</source>
        <translation>Codex はサインイン情報の保存にシステムのキーリングを使えず、代わりに Codex のフォルダー内のファイルを使いました。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The keyring store failed; Codex fell back to auth.json.</source>
        <translation>キーリングへの保存に失敗し、Codex は auth.json に切り替えました。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Sign-in with a device code is switched off for this account or workspace. Turn it on in ChatGPT Settings &gt; Security, or ask your workspace admin.</source>
        <translation>このアカウントまたはワークスペースでは、デバイスコードでのサインインがオフになっています。ChatGPT の「設定 &gt; セキュリティ」でオンにするか、ワークスペースの管理者に依頼してください。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>POST /api/accounts/deviceauth/usercode answered 404.</source>
        <translation>POST /api/accounts/deviceauth/usercode が 404 を返しました。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The sign-in server did not start a sign-in with a device code (it answered with an error).</source>
        <translation>サインインサーバーはデバイスコードでのサインインを開始しませんでした（エラーが返されました）。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>POST /api/accounts/deviceauth/usercode answered a non-success status.</source>
        <translation>POST /api/accounts/deviceauth/usercode が成功以外の状態を返しました。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The device-code sign-in was not finished in the browser in time (15 minutes). Start it again.</source>
        <translation>デバイスコードでのサインインが、時間内（15 分）にブラウザーで完了しませんでした。もう一度始めてください。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>Polling /api/accounts/deviceauth/token ended without approval.</source>
        <translation>/api/accounts/deviceauth/token の確認が、承認されないまま終わりました。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The last sign-in failed while sending the code to the sign-in server.</source>
        <translation>前回のサインインは、コードをサインインサーバーに送る途中で失敗しました。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>POST /oauth/token failed (the detail, when shown, says how).</source>
        <translation>POST /oauth/token が失敗しました（詳細が表示されていれば、そこに理由があります）。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The last sign-in failed on the sign-in page itself, before Codex got a sign-in code.</source>
        <translation>前回のサインインは、Codex がサインインコードを受け取る前に、サインインページ自体で失敗しました。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The last sign-in failed: the browser&apos;s return never reached Codex.</source>
        <translation>前回のサインインは失敗しました。ブラウザーからの戻りが Codex に届きませんでした。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The last sign-in failed because Codex could not receive the browser&apos;s return on this computer.</source>
        <translation>前回のサインインは、Codex がこのコンピューターでブラウザーからの戻りを受け取れなかったために失敗しました。</translation>
    </message>
    <message>
        <location filename="../../resources/decoder.json"/>
        <source>The last sign-in worked, but Codex could not save it on this computer.</source>
        <translation>前回のサインインは成功しましたが、Codex がこのコンピューターに保存できませんでした。</translation>
    </message>
    <message>
        <source>A certificate setting points at a file that holds no certificates, so Codex stops before it even tries to sign in.</source>
        <translation type="vanished">証明書の設定が、証明書を含まないファイルを指しているため、Codex はサインインを試す前に止まります。</translation>
    </message>
    <message>
        <source>A certificate setting points at a file Codex cannot read, so Codex stops before it even tries to sign in.</source>
        <translation type="vanished">証明書の設定が Codex の読めないファイルを指しているため、Codex はサインインを試す前に止まります。</translation>
    </message>
    <message>
        <source>Another sign-in was still waiting on the sign-in port and Codex could not stop it, so this sign-in cannot wait for the browser&apos;s return.</source>
        <translation type="vanished">別のサインインがまだサインイン用のポートで待っていて、Codex はそれを止められませんでした。そのため、今回のサインインはブラウザーからの戻りを待てません。</translation>
    </message>
    <message>
        <source>The login server could not bind its port and its /cancel request to the previous server failed.</source>
        <translation type="vanished">ログインサーバーがポートを使えず、前のサーバーへの /cancel 要求も失敗しました。</translation>
    </message>
    <message>
        <source>Codex could not connect to the sign-in server to send the sign-in code: a proxy, firewall, VPN or DNS problem.</source>
        <translation type="vanished">Codex はサインインコードを送るためにサインインサーバーへ接続できませんでした。プロキシ、ファイアウォール、VPN、または DNS の問題です。</translation>
    </message>
    <message>
        <source>reqwest transport error with is_connect=true (codex-login.log).</source>
        <translation type="vanished">reqwest の通信エラー（is_connect=true、codex-login.log）。</translation>
    </message>
</context>
<context>
    <name>desktop_wsl_off</name>
    <message>
        <location filename="../../wizard/fixes/desktop_wsl_off.py"/>
        <source>The Codex app is not set to run inside WSL.</source>
        <translation>Codex アプリは WSL の中で動く設定になっていません。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/desktop_wsl_off.py"/>
        <source>The Codex app&apos;s settings file was not found on this computer.</source>
        <translation>このコンピューターには Codex アプリの設定ファイルが見つかりませんでした。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/desktop_wsl_off.py"/>
        <source>Run the Codex app on Windows instead of WSL</source>
        <translation>Codex アプリを WSL ではなく Windows で動かす</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/desktop_wsl_off.py"/>
        <source>Sets the Codex app&apos;s agent environment and terminal back to Windows when they are set to WSL.</source>
        <translation>Codex アプリのエージェント環境とターミナルが WSL になっている場合、Windows に戻します。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/desktop_wsl_off.py"/>
        <source>The Codex app&apos;s settings file {file} was not changed: {problem}.</source>
        <translation>Codex アプリの設定ファイル {file} は変更していません: {problem}。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/desktop_wsl_off.py"/>
        <source>The Codex app is open ({programs}). It rewrites its settings when it closes, so the change would be lost. Quit the Codex app (also from the notification area), then try again.</source>
        <translation>Codex アプリが開いています（{programs}）。アプリは終了時に設定を書き直すため、変更が失われます。Codex アプリを終了して（通知領域からも）、もう一度お試しください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/desktop_wsl_off.py"/>
        <source>Sets {wsl_key} to false and, if it is WSL, {shell_key} to {shell} in {file}, so the Codex app runs on Windows itself, where the browser returns after you sign in. Everything else in the file stays as it is; Undo puts the original back.</source>
        <translation>{file} の {wsl_key} を false にし、WSL になっていれば {shell_key} を {shell} にします。これで Codex アプリは Windows 上で直接動き、サインイン後にブラウザーが戻る先に届きます。ファイルのほかの部分はそのままで、「元に戻す」で元のファイルに戻せます。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/desktop_wsl_off.py"/>
        <source>Apply sets the Codex app back to run on Windows instead of WSL (a copy of its settings is kept for Undo).</source>
        <translation>「適用」を押すと、Codex アプリを WSL ではなく Windows で動く設定に戻します（元に戻せるよう設定のコピーを保存します）。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/desktop_wsl_off.py"/>
        <source>Open the Codex app again and sign in. If it still waits, restart the computer once so WSL is shut down.</source>
        <translation>Codex アプリをもう一度開いてサインインしてください。それでも待ったままなら、WSL を終了させるためにコンピューターを一度再起動してください。</translation>
    </message>
</context>
<context>
    <name>endpoints</name>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>Not tested: the secure connection failed first.</source>
        <translation>未確認: 先に安全な接続が失敗しました。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>a web page instead of the sign-in server&apos;s data</source>
        <translation>サインインサーバーのデータではなく Web ページ</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>an unexpected answer (HTTP {status}) instead of the sign-in server&apos;s data</source>
        <translation>サインインサーバーのデータではなく、想定外の応答（HTTP {status}）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>Something else answered instead of the sign-in server.</source>
        <translation>サインインサーバーの代わりに別のものが応答しました。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>The sign-in server answers.</source>
        <translation>サインインサーバーは応答しています。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>The sign-in server answered, but not as expected ({detail}).</source>
        <translation>サインインサーバーは応答しましたが、想定とは違う応答でした（{detail}）。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>The sign-in server refuses this connection&apos;s country or region.</source>
        <translation>サインインサーバーは、この接続元の国または地域を拒否しています。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>country, region, or territory not supported</source>
        <translation>対応していない国または地域</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>{what} instead of the sign-in server&apos;s answer</source>
        <translation>サインインサーバーの応答ではなく {what}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>Something else answered instead of the sign-in server: {what}.</source>
        <translation>サインインサーバーの代わりに別のものが応答しました: {what}。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>The sign-in server accepted a test code (HTTP {status}), which it should not.</source>
        <translation>サインインサーバーがテスト用のコードを受け入れました（HTTP {status}）。本来は受け入れないはずです。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>The sign-in server answered as expected (it refused a test code), so the whole path to it works.</source>
        <translation>サインインサーバーは想定どおりに応答しました（テスト用のコードを拒否）。サインインサーバーまでの経路はすべて正常です。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>Codex does not trust the secure connection to {host}, so the sign-in server could not be asked.</source>
        <translation>Codex は {host} との安全な接続を信頼していないため、サインインサーバーに問い合わせられませんでした。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>The proxy {proxy} wants a user name and password.</source>
        <translation>プロキシ {proxy} はユーザー名とパスワードを求めています。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>the proxy {proxy} refused the connection (HTTP {status})</source>
        <translation>プロキシ {proxy} が接続を拒否しました（HTTP {status}）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>the proxy {proxy} refused the connection</source>
        <translation>プロキシ {proxy} が接続を拒否しました</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>The proxy {proxy} refuses to connect to {host}.</source>
        <translation>プロキシ {proxy} は {host} への接続を拒否しています。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>The proxy {proxy} does not answer.</source>
        <translation>プロキシ {proxy} が応答しません。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>The sign-in server does not answer ({detail}).</source>
        <translation>サインインサーバーが応答しません（{detail}）。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>The request could not be sent: {detail}.</source>
        <translation>リクエストを送れませんでした: {detail}。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>a redirect to {where} (HTTP {status})</source>
        <translation>{where} へのリダイレクト（HTTP {status}）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>a web page &quot;{title}&quot; (HTTP {status})</source>
        <translation>Web ページ「{title}」（HTTP {status}）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>a web page (HTTP {status})</source>
        <translation>Web ページ（HTTP {status}）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>an unexpected answer (HTTP {status})</source>
        <translation>想定外の応答（HTTP {status}）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/endpoints.py"/>
        <source>The sign-in server has a problem of its own ({detail}).</source>
        <translation>サインインサーバー自身に問題があります（{detail}）。</translation>
    </message>
</context>
<context>
    <name>engine</name>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <location filename="../../wizard/checks/tls.py"/>
        <location filename="../../wizard/core/engine.py"/>
        <source>Cancelled.</source>
        <translation>キャンセルしました。</translation>
    </message>
    <message>
        <location filename="../../wizard/core/engine.py"/>
        <source>Not run: the diagnosis ran out of time.</source>
        <translation>実行していません: 診断の時間切れです。</translation>
    </message>
    <message>
        <location filename="../../wizard/core/engine.py"/>
        <source>Did not finish within its time budget ({seconds:.1f} s).</source>
        <translation>制限時間（{seconds:.1f} 秒）内に終わりませんでした。</translation>
    </message>
    <message>
        <location filename="../../wizard/core/engine.py"/>
        <source>The check itself failed: {kind}: {error}</source>
        <translation>チェック自体が失敗しました: {kind}: {error}</translation>
    </message>
</context>
<context>
    <name>env_places</name>
    <message>
        <location filename="../../wizard/fixes/env_places.py"/>
        <source>{file} (line {line})</source>
        <translation>{file}（{line} 行目）</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/env_places.py"/>
        <source>{file} cannot be read ({error})</source>
        <translation>{file} を読み込めません（{error}）</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/env_places.py"/>
        <source>{name} in {places}</source>
        <translation>{places} の {name}</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/env_places.py"/>
        <source>the system-wide variables (an administrator can change them)</source>
        <translation>システム全体の環境変数（管理者が変更できます）</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/env_places.py"/>
        <source>a system-wide file such as /etc/environment, or the program that started this one</source>
        <translation>/etc/environment のようなシステム全体のファイル、またはこのプログラムを起動したプログラム</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/env_places.py"/>
        <source>{names} is set for this program, but not in any place Sign-in Doctor can change: it may come from {system}, or only from this terminal (then a new one will not have it).</source>
        <translation>{names} はこのプログラムに設定されていますが、Sign-in Doctor が変更できる場所にはありません。{system}から来ているか、このターミナルだけで設定されている可能性があります（その場合、新しいターミナルには引き継がれません）。</translation>
    </message>
</context>
<context>
    <name>env_store</name>
    <message>
        <location filename="../../wizard/platform/env_store.py"/>
        <source>launchctl (apps started from the Dock and Finder)</source>
        <translation>launchctl（Dock や Finder から起動したアプリ）</translation>
    </message>
    <message>
        <location filename="../../wizard/platform/env_store.py"/>
        <source>HKCU\Environment (your Windows user variables)</source>
        <translation>HKCU\Environment（Windows のユーザー環境変数）</translation>
    </message>
</context>
<context>
    <name>fix_cli</name>
    <message>
        <location filename="../../wizard/app/fix_command.py"/>
        <source>Undo the last fix?</source>
        <translation>最後の修正を元に戻しますか？</translation>
    </message>
    <message>
        <location filename="../../wizard/app/fix_command.py"/>
        <source>Not undone.</source>
        <translation>元に戻していません。</translation>
    </message>
    <message>
        <location filename="../../wizard/app/fix_command.py"/>
        <source>Undo failed: {error}</source>
        <translation>元に戻せませんでした: {error}</translation>
    </message>
    <message>
        <location filename="../../wizard/app/fix_command.py"/>
        <source>Looking at the current state ...</source>
        <translation>現在の状態を確認しています…</translation>
    </message>
    <message>
        <location filename="../../wizard/app/fix_command.py"/>
        <source>Dry run: nothing was changed.</source>
        <translation>ドライラン: 何も変更していません。</translation>
    </message>
    <message>
        <location filename="../../wizard/app/fix_command.py"/>
        <source>These are steps for you to follow; nothing was changed.</source>
        <translation>これはご自身で行う手順です。何も変更していません。</translation>
    </message>
    <message>
        <location filename="../../wizard/app/fix_command.py"/>
        <source>Nothing to change.</source>
        <translation>変更するものはありません。</translation>
    </message>
    <message>
        <location filename="../../wizard/app/fix_command.py"/>
        <source>Apply these changes?</source>
        <translation>これらの変更を適用しますか？</translation>
    </message>
    <message>
        <location filename="../../wizard/app/fix_command.py"/>
        <source>Not applied (no consent). Add --yes to apply.</source>
        <translation>適用していません（同意がありません）。適用するには --yes を付けてください。</translation>
    </message>
</context>
<context>
    <name>fixes</name>
    <message>
        <location filename="../../wizard/fixes/env_places.py"/>
        <source>Fully quit and restart your editor (and terminals), then sign in again: they read variables only when they start.</source>
        <translation>エディター（とターミナル）を完全に終了してから起動し直し、もう一度サインインしてください。環境変数は起動時にしか読み込まれません。</translation>
    </message>
    <message>
        <source>Fully quit and restart your editor (and terminals): they read variables only when they start.</source>
        <translation type="vanished">エディター（とターミナル）を完全に終了してから起動し直してください。環境変数は起動時にしか読み込まれません。</translation>
    </message>
</context>
<context>
    <name>fixing</name>
    <message>
        <location filename="../../wizard/ui/app.py"/>
        <source>and choose it with the button below.</source>
        <translation>、下のボタンで選んでください。</translation>
    </message>
</context>
<context>
    <name>guidance</name>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Get help with your OpenAI account</source>
        <translation>OpenAI アカウントについて助けを求める</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>A check on your account (such as a phone verification) stops the sign-in. Only OpenAI can change that.</source>
        <translation>アカウントの確認（電話番号の確認など）がサインインを止めています。これを変えられるのは OpenAI だけです。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Sign out of chatgpt.com in your browser, then start the sign-in again from Codex (some people report that this helps; it is not confirmed by OpenAI).</source>
        <translation>ブラウザーで chatgpt.com からサインアウトしてから、Codex からサインインをやり直してください（これで直ったという報告がありますが、OpenAI は確認していません）。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>If it still stops, open https://help.openai.com/ and contact support with the exact text of the page and the time it happened.</source>
        <translation>それでも止まる場合は、https://help.openai.com/ を開き、ページの文面と起きた時刻をそのまま添えてサポートに問い合わせてください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Ask your workspace admin</source>
        <translation>ワークスペースの管理者に依頼する</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Your ChatGPT workspace or your organisation decides how you may sign in to Codex.</source>
        <translation>Codex へのサインイン方法は、あなたの ChatGPT ワークスペースまたは組織が決めています。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Tell your workspace admin the exact message you saw and ask them to allow Codex sign-in for you (workspace settings and permissions on chatgpt.com).</source>
        <translation>表示されたメッセージをそのままワークスペースの管理者に伝え、Codex へのサインインを許可してもらってください（chatgpt.com のワークスペース設定と権限）。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Or sign in with the workspace or account your organisation allows for Codex.</source>
        <translation>または、組織が Codex 用に許可しているワークスペースやアカウントでサインインしてください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Ask your IT administrator</source>
        <translation>IT 管理者に依頼する</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Settings your organisation put on this computer decide how you may sign in to Codex. Sign-in Doctor does not change them.</source>
        <translation>Codex へのサインイン方法は、組織がこのコンピューターに入れた設定で決まっています。Sign-in Doctor はこの設定を変更しません。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Sign in the way the settings allow: the methods and workspaces are named above.</source>
        <translation>設定で許可されている方法でサインインしてください。方法とワークスペースは上に書かれています。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Or ask your IT administrator to allow signing in with ChatGPT; tell them the file or profile named above.</source>
        <translation>または、ChatGPT でのサインインを許可するよう IT 管理者に依頼してください。その際、上に書かれたファイルまたはプロファイルを伝えてください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Start a fresh sign-in</source>
        <translation>サインインを新しくやり直す</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>An old or doubled sign-in in the browser no longer matches Codex&apos;s.</source>
        <translation>ブラウザーに残った古いサインインや重複したサインインが、Codex のサインインと一致しなくなっています。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Close every browser tab of auth.openai.com and chatgpt.com sign-in.</source>
        <translation>auth.openai.com と chatgpt.com のサインイン用タブをすべて閉じてください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Start one sign-in from Codex and finish it in the tab it opens.</source>
        <translation>Codex からサインインを 1 つだけ始め、開いたタブの中で最後まで進めてください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Do not use the Back button or an older link during the sign-in.</source>
        <translation>サインインの途中で［戻る］ボタンや古いリンクを使わないでください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Let only one program renew the sign-in, then sign in again</source>
        <translation>サインインを更新するプログラムを 1 つにしてから、サインインし直す</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Several programs that renew the same saved sign-in use it up for each other.</source>
        <translation>同じ保存済みサインインを更新するプログラムが複数あると、互いにそれを使い切ってしまいます。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Quit the other programs that use your Codex sign-in: other Codex apps, account switchers and local proxy tools.</source>
        <translation>Codex のサインインを使うほかのプログラム（ほかの Codex アプリ、アカウント切り替えツール、ローカルのプロキシツール）を終了してください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Then run the command below once, in a terminal.</source>
        <translation>そのあと、ターミナルで下のコマンドを一度だけ実行してください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Stop the program that rewrites your sign-in</source>
        <translation>サインインを書き換えるプログラムを止める</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Account switchers and local proxy tools (CC Switch, Cockpit Tools, Codex Switcher, CLIProxyAPI, codex-auth) swap or renew Codex&apos;s saved sign-in and rewrite its settings.</source>
        <translation>アカウント切り替えツールやローカルのプロキシツール（CC Switch、Cockpit Tools、Codex Switcher、CLIProxyAPI、codex-auth）は、Codex の保存済みサインインを入れ替えたり更新したりし、設定も書き換えます。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>In that program, turn off its proxy takeover or switch back to the official OpenAI sign-in, so it puts Codex&apos;s settings back.</source>
        <translation>そのプログラムで、プロキシの乗っ取り機能をオフにするか、公式の OpenAI サインインに切り替えて、Codex の設定を元に戻させてください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Quit it, also from the tray or the menu bar, and stop it from starting with your computer. If it keeps coming back, uninstall it.</source>
        <translation>そのプログラムを終了し（タスクトレイやメニューバーからも）、コンピューターの起動時に始まらないようにしてください。それでもまた動き出すなら、アンインストールしてください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Run this diagnosis again: it should no longer find the program or its settings.</source>
        <translation>この診断をもう一度実行してください。そのプログラムやその設定が見つからなくなっているはずです。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/account_guidance.py"/>
        <source>Then sign in once, with the command below in a terminal.</source>
        <translation>そのあと、ターミナルで下のコマンドを使って一度だけサインインしてください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>These steps are for Windows only.</source>
        <translation>この手順は Windows 専用です。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Careful: signing in with this command first signs you out of Codex on this computer (the app, the editor and the terminal share one sign-in). If the new sign-in does not finish, you stay signed out.</source>
        <translation>注意: このコマンドでサインインすると、まずこのコンピューター上の Codex からサインアウトされます（アプリ、エディター、ターミナルは 1 つのサインインを共有しています）。新しいサインインが完了しないと、サインアウトされたままになります。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Sign in with a device code instead</source>
        <translation>代わりにデバイスコードでサインインする</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>A device code sign-in needs no local port and no browser redirect: you type a short code on a web page instead. It still needs the connection to the sign-in server.</source>
        <translation>デバイスコードでのサインインには、このコンピューターのポートもブラウザーのリダイレクトも不要です。代わりに、Web ページで短いコードを入力します。サインインサーバーへの接続は引き続き必要です。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>If you use a ChatGPT workspace, an admin may first have to allow device code sign-in (ChatGPT Settings &gt; Security, or the workspace permissions).</source>
        <translation>ChatGPT のワークスペースを使っている場合は、まず管理者がデバイスコードでのサインインを許可する必要があるかもしれません（ChatGPT の「設定 &gt; セキュリティ」、またはワークスペースの権限）。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Open a terminal and run the command under Details.</source>
        <translation>ターミナルを開き、「詳細」の中のコマンドを実行します。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Open {device_url} in any browser, sign in and type the code the terminal shows (it expires after 15 minutes).</source>
        <translation>任意のブラウザーで {device_url} を開いてサインインし、ターミナルに表示されたコードを入力してください（コードは 15 分で期限切れになります）。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Set the clock automatically</source>
        <translation>時計を自動で合わせる</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>A clock that is off by more than a few minutes breaks secure connections.</source>
        <translation>時計が数分以上ずれていると、安全な接続が失敗します。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Windows: Settings &gt; Time &amp; language &gt; Date &amp; time: turn on &apos;Set time automatically&apos;, then click &apos;Sync now&apos;.</source>
        <translation>Windows:「設定 &gt; 時刻と言語 &gt; 日付と時刻」で「時刻を自動的に設定する」をオンにし、「今すぐ同期」をクリックします。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>macOS: System Settings &gt; General &gt; Date &amp; Time: turn on &apos;Set time and date automatically&apos;.</source>
        <translation>macOS:「システム設定 &gt; 一般 &gt; 日付と時刻」で「日付と時刻を自動的に設定」をオンにします。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Linux: run the command under Details (it turns on network time).</source>
        <translation>Linux: 「詳細」の中のコマンドを実行します（ネットワーク時刻を有効にします）。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Check OpenAI&apos;s status page</source>
        <translation>OpenAI のステータスページを確認する</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>If everything on this computer works, the problem may be on OpenAI&apos;s side.</source>
        <translation>このコンピューターですべて正常に動いているなら、問題は OpenAI 側にあるかもしれません。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Open {status_page} and look for problems with Login or Codex.</source>
        <translation>{status_page} を開き、Login や Codex に障害が出ていないか確認してください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>If there is one, wait until it is resolved and try again.</source>
        <translation>障害が出ている場合は、解消されるのを待ってからもう一度試してください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>If there is none, try another browser or the other Codex app (CLI or editor), and contact OpenAI support with the error code you saw.</source>
        <translation>障害が出ていない場合は、別のブラウザーや、もう一方の Codex アプリ（CLI またはエディター）を試し、表示されたエラーコードを添えて OpenAI サポートに問い合わせてください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Free the reserved ports (administrator)</source>
        <translation>予約されたポートを解放する（管理者）</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Windows reserved the sign-in ports for Hyper-V, WSL or Docker. Restarting the Windows NAT service usually releases them. This needs an administrator and briefly interrupts WSL and Docker networking.</source>
        <translation>Windows がサインイン用のポートを Hyper-V、WSL、Docker のために予約しています。Windows NAT サービスを再起動すると、たいてい解放されます。管理者の権限が必要で、WSL と Docker のネットワークが一時的に止まります。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Open &apos;Terminal (Admin)&apos; or &apos;Command Prompt (Admin)&apos;.</source>
        <translation>「ターミナル（管理者）」または「コマンド プロンプト（管理者）」を開きます。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Run the first command under Details, sign in to Codex, then run the second command.</source>
        <translation>「詳細」の中の 1 つ目のコマンドを実行し、Codex にサインインしてから、2 つ目のコマンドを実行します。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>If it happens again, an administrator can reserve the ports for Codex while WinNAT is stopped (third command) - this is reported to work but is not confirmed by OpenAI.</source>
        <translation>また起きる場合は、WinNAT を止めている間に管理者が Codex 用にポートを予約できます（3 つ目のコマンド）。効果があったという報告はありますが、OpenAI による確認はされていません。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Forward the sign-in port to the remote machine</source>
        <translation>サインイン用のポートをリモートマシンへ転送する</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Codex runs on another machine (SSH, a dev container or Codespaces), so your browser&apos;s return must be passed on to it: forward port {port} from your own computer before signing in. A device code sign-in needs none of this.</source>
        <translation>Codex が別のマシン（SSH、開発コンテナー、Codespaces）で動いているため、ブラウザーの戻りをそちらへ渡す必要があります。サインインの前に、お使いのコンピューターからポート {port} を転送してください。デバイスコードでのサインインなら、この作業は不要です。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>SSH: on your own computer, connect with the command below (USER@HOST as you usually connect) and keep that window open while you sign in.</source>
        <translation>SSH の場合：お使いのコンピューターで下のコマンドで接続し（USER@HOST はいつもの接続先に置き換えます）、サインインが終わるまでそのウィンドウを開いたままにします。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>VS Code Remote, dev containers or Codespaces: open the Ports panel and forward port {port} to localhost:{port} on your computer.</source>
        <translation>VS Code Remote、開発コンテナー、Codespaces の場合：［ポート］パネルを開き、ポート {port} をお使いのコンピューターの localhost:{port} へ転送します。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Then start the sign-in on the remote machine and open the link it shows in your browser. Starting a new sign-in signs you out of Codex first (every Codex app sharing this login), even if the new one then fails.</source>
        <translation>そのあとリモートマシンでサインインを始め、表示されたリンクをブラウザーで開きます。新しいサインインを始めると、まず Codex からサインアウトされます（このログインを共有するすべての Codex アプリが対象で、新しいサインインが失敗しても元に戻りません）。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Let Codex save the sign-in where it can</source>
        <translation>Codex がサインイン情報を保存できるようにする</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Codex saves the sign-in in its folder or in the system keyring. When the keyring is missing, locked or stuck, a file in the Codex folder works instead; when the folder cannot be written, it must be made writable.</source>
        <translation>Codex はサインイン情報を自分のフォルダーかシステムのキーリングに保存します。キーリングがない、ロックされている、または応答しない場合は、Codex フォルダー内のファイルで代わりになります。フォルダーに書き込めない場合は、書き込めるようにする必要があります。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Keyring: unlock it by signing in to your desktop session, or open config.toml in the Codex folder (~/.codex) and set the line below, then sign in again.</source>
        <translation>キーリングの場合：デスクトップにサインインしてロックを解除するか、Codex フォルダー（~/.codex）の config.toml を開いて下の行を設定し、もう一度サインインします。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/guidance.py"/>
        <source>Folder: make the Codex folder (~/.codex, or the one CODEX_HOME names) writable for your user, or point CODEX_HOME at a folder of your own.</source>
        <translation>フォルダーの場合：Codex のフォルダー（~/.codex、または CODEX_HOME が指すフォルダー）をご自分のユーザーで書き込めるようにするか、CODEX_HOME をご自分のフォルダーに向けます。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>Let Windows update its root certificates (administrator)</source>
        <translation>Windows にルート証明書を更新させる（管理者）</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>Windows is not allowed to download the root certificates it is missing, or cannot check a certificate&apos;s revocation. This is usually a company policy, so it needs your IT administrator&apos;s approval.</source>
        <translation>Windows が足りないルート証明書をダウンロードすることを禁止されているか、証明書の失効を確認できません。ふつうは会社のポリシーなので、IT 管理者の承認が必要です。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>Ask your IT administrator to set the policy &apos;Turn off Automatic Root Certificates Update&apos; to Disabled (first command under Details), or to install the missing root certificate on this computer.</source>
        <translation>IT 管理者に、ポリシー「ルート証明書の自動更新をオフにする」を「無効」にする（詳細の 1 つ目のコマンド）か、足りないルート証明書をこのコンピューターにインストールするよう依頼してください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>Then refresh Windows&apos; certificate cache as administrator (second command) and restart the computer: in the reported case the change worked only after a restart.</source>
        <translation>次に、管理者として Windows の証明書キャッシュを更新し（2 つ目のコマンド）、コンピューターを再起動してください。報告された例では、再起動してはじめて変更が効きました。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>Sign in to Codex again.</source>
        <translation>もう一度 Codex にサインインしてください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>Give WSL a proxy address it can reach</source>
        <translation>WSL から届くプロキシのアドレスを設定する</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>The proxy program listens on Windows&apos; own 127.0.0.1. Inside WSL that address is the Linux system itself, so WSL needs another way to reach the proxy.</source>
        <translation>プロキシのプログラムは Windows 自身の 127.0.0.1 で待ち受けています。WSL の中ではこのアドレスは Linux 自身を指すため、WSL がプロキシに届く別の方法が必要です。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>In NAT networking (WSL&apos;s default): switch WSL to mirrored networking (the first line under Details, in the [wsl2] section of the .wslconfig file in your Windows user folder) and restart WSL from Windows (second command).</source>
        <translation>NAT ネットワーク（WSL の既定）の場合: WSL をミラー ネットワークに切り替えて（詳細の 1 行目を、Windows のユーザー フォルダーにある .wslconfig ファイルの [wsl2] セクションに書きます）、Windows から WSL を再起動してください（2 つ目のコマンド）。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>Or point the proxy variable inside WSL at Windows&apos; address, which WSL shows as its gateway (third command), and allow connections from the local network in the proxy program.</source>
        <translation>または、WSL の中のプロキシの変数を Windows のアドレスに向けてください。このアドレスは WSL のゲートウェイとして表示されます（3 つ目のコマンド）。プロキシのプログラムで、ローカル ネットワークからの接続を許可してください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>In mirrored networking 127.0.0.1 should reach Windows, but a known WSL problem sometimes stops it: update WSL from Windows (fourth command), restart it, or use Windows&apos; address as above.</source>
        <translation>ミラー ネットワークでは 127.0.0.1 で Windows に届くはずですが、WSL の既知の問題で届かないことがあります。Windows から WSL を更新する（4 つ目のコマンド）、再起動する、または上のように Windows のアドレスを使ってください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>Match WSL&apos;s packet size to the VPN</source>
        <translation>WSL のパケットの大きさを VPN に合わせる</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>A VPN on Windows carries smaller packets than WSL sends, so secure connections from WSL open and then stall. Lowering WSL&apos;s packet size (MTU) to the VPN&apos;s fixes that.</source>
        <translation>Windows の VPN が運べるパケットは WSL が送るものより小さいため、WSL からの安全な接続は開いたあと止まってしまいます。WSL のパケットの大きさ（MTU）を VPN に合わせて小さくすると直ります。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>Inside WSL, run the command under Details. If the VPN&apos;s size in the check&apos;s details is smaller than 1350, use that number instead.</source>
        <translation>WSL の中で、詳細のコマンドを実行してください。チェックの詳細にある VPN の大きさが 1350 より小さい場合は、その数字を使ってください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>Sign in again. The change lasts until WSL restarts; your IT department may know a lasting setting for your VPN.</source>
        <translation>もう一度サインインしてください。この変更は WSL を再起動するまで有効です。VPN に合った恒久的な設定は IT 部門が知っているかもしれません。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>Or sign in while the VPN is off, if your network allows it.</source>
        <translation>または、ネットワークが許すなら、VPN を切った状態でサインインしてください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>Let WSL find names again</source>
        <translation>WSL が名前を見つけられるようにする</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>Linux inside WSL asks the name server WSL wrote into /etc/resolv.conf, not Windows. When that server does not answer, WSL cannot find the sign-in server while Windows can.</source>
        <translation>WSL の中の Linux は、Windows ではなく、WSL が /etc/resolv.conf に書いたネーム サーバーに問い合わせます。そのサーバーが応答しないと、Windows では見つかるサインイン サーバーが WSL では見つかりません。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>In Windows, restart WSL (first command under Details) and try again.</source>
        <translation>Windows で WSL を再起動して（詳細の 1 つ目のコマンド）、もう一度試してください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>If it keeps failing, turn on DNS tunneling (the second line, in the [wsl2] section of the .wslconfig file in your Windows user folder), restart WSL again and retry.</source>
        <translation>それでも失敗する場合は、DNS トンネリングをオンにして（2 行目を、Windows のユーザー フォルダーにある .wslconfig ファイルの [wsl2] セクションに書きます）、もう一度 WSL を再起動して試してください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>If your company&apos;s VPN needs its own name servers, your IT department can tell you which ones WSL should use.</source>
        <translation>会社の VPN に専用のネーム サーバーが必要な場合は、WSL がどれを使うべきか IT 部門に確認してください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>Update the Codex app, then report what stays</source>
        <translation>Codex アプリを更新し、残る問題を報告する</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>The Codex app&apos;s own log shows an error with the app&apos;s own files that no setting of this computer is known to cause. It was reported after app updates (openai/codex#46786), and only OpenAI can change the app.</source>
        <translation>Codex アプリ自身のログに、アプリ自身のファイルに関するエラーが出ています。このコンピューターのどの設定が原因になるかは知られていません。アプリの更新後に報告されており（openai/codex#46786）、アプリを変えられるのは OpenAI だけです。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>Update the Codex app: Microsoft Store &gt; Library &gt; Get updates (or the update button in the app), then close the app completely and start it again.</source>
        <translation>Codex アプリを更新します。Microsoft Store &gt;［ライブラリ］&gt;［更新プログラムを取得する］（またはアプリ内の更新ボタン）を使い、そのあとアプリを完全に終了してから起動し直してください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/windows_guidance.py"/>
        <source>If the error stays, report it at https://github.com/openai/codex/issues (the report #46786 describes it) with your app version and the log line under Details.</source>
        <translation>エラーが続く場合は、アプリのバージョンと「詳細」にあるログの行を添えて https://github.com/openai/codex/issues に報告してください（報告 #46786 にこのエラーが書かれています）。</translation>
    </message>
    <message>
        <source>Open https://auth.openai.com/codex/device in any browser, sign in and type the code the terminal shows (it expires after 15 minutes).</source>
        <translation type="vanished">任意のブラウザーで https://auth.openai.com/codex/device を開いてサインインし、ターミナルに表示されたコードを入力してください（コードは 15 分で期限切れになります）。</translation>
    </message>
    <message>
        <source>Open https://status.openai.com/ and look for problems with Login or Codex.</source>
        <translation type="vanished">https://status.openai.com/ を開き、Login や Codex に障害が出ていないか確認してください。</translation>
    </message>
    <message>
        <source>Codex runs on another machine (SSH, a dev container or Codespaces), so your browser&apos;s return must be passed on to it: forward port 1455 from your own computer before signing in. A device code sign-in needs none of this.</source>
        <translation type="vanished">Codex が別のマシン（SSH、開発コンテナー、Codespaces）で動いているため、ブラウザーの戻りをそちらへ渡す必要があります。サインインの前に、お使いのコンピューターからポート 1455 を転送してください。デバイスコードでのサインインなら、この作業は不要です。</translation>
    </message>
    <message>
        <source>VS Code Remote, dev containers or Codespaces: open the Ports panel and forward port 1455 to localhost:1455 on your computer.</source>
        <translation type="vanished">VS Code Remote、開発コンテナー、Codespaces の場合：［ポート］パネルを開き、ポート 1455 をお使いのコンピューターの localhost:1455 へ転送します。</translation>
    </message>
    <message>
        <source>Open a terminal and run the command below.</source>
        <translation type="vanished">ターミナルを開き、下のコマンドを実行してください。</translation>
    </message>
    <message>
        <source>Linux: run the command below (it turns on network time).</source>
        <translation type="vanished">Linux: 下のコマンドを実行します（ネットワーク時刻の同期をオンにします）。</translation>
    </message>
    <message>
        <source>Run the first command, sign in to Codex, then run the second command.</source>
        <translation type="vanished">1 つ目のコマンドを実行し、Codex にサインインしてから、2 つ目のコマンドを実行します。</translation>
    </message>
</context>
<context>
    <name>http</name>
    <message>
        <location filename="../../wizard/net/http.py"/>
        <source>the proxy address cannot be used (a &apos;{scheme}&apos; proxy)</source>
        <translation>このプロキシのアドレスは使えません（「{scheme}」形式のプロキシ）</translation>
    </message>
    <message>
        <location filename="../../wizard/net/http.py"/>
        <source>no answer within the time limit</source>
        <translation>制限時間内に応答がありませんでした</translation>
    </message>
    <message>
        <location filename="../../wizard/net/http.py"/>
        <source>the proxy asks for a user name and password (HTTP 407)</source>
        <translation>プロキシがユーザー名とパスワードを求めています（HTTP 407）</translation>
    </message>
    <message>
        <location filename="../../wizard/net/http.py"/>
        <source>the proxy refused the connection ({error})</source>
        <translation>プロキシが接続を拒否しました（{error}）</translation>
    </message>
    <message>
        <location filename="../../wizard/net/http.py"/>
        <source>the proxy failed ({error})</source>
        <translation>プロキシでエラーが起きました（{error}）</translation>
    </message>
    <message>
        <location filename="../../wizard/net/http.py"/>
        <source>the certificate is not trusted ({reason})</source>
        <translation>証明書が信頼されていません（{reason}）</translation>
    </message>
    <message>
        <location filename="../../wizard/net/http.py"/>
        <source>the connection failed ({error})</source>
        <translation>接続に失敗しました（{error}）</translation>
    </message>
    <message>
        <location filename="../../wizard/net/http.py"/>
        <source>the connection was closed without an answer</source>
        <translation>応答がないまま接続が閉じられました</translation>
    </message>
    <message>
        <location filename="../../wizard/net/http.py"/>
        <source>the connection broke ({error})</source>
        <translation>接続が切れました（{error}）</translation>
    </message>
</context>
<context>
    <name>ide</name>
    <message>
        <location filename="../../wizard/checks/ide.py"/>
        <source>No VS Code, Cursor, Windsurf or VSCodium settings found.</source>
        <translation>VS Code、Cursor、Windsurf、VSCodium の設定は見つかりませんでした。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ide.py"/>
        <source>{editors} runs Codex inside WSL (Linux on Windows), which breaks sign-in.</source>
        <translation>{editors} が Codex を WSL（Windows 上の Linux）の中で動かしているため、サインインが失敗します。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ide.py"/>
        <source>{editors} run Codex inside WSL (Linux on Windows), which breaks sign-in.</source>
        <translation>{editors} が Codex を WSL（Windows 上の Linux）の中で動かしているため、サインインが失敗します。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ide.py"/>
        <source>{setting} is on in {editors}, but the extension only uses it on Windows.</source>
        <translation>{editors} では {setting} がオンですが、拡張機能がこの設定を使うのは Windows の場合だけです。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ide.py"/>
        <source> (line {n})</source>
        <translation>（{n} 行目）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ide.py"/>
        <source> (and {count} more)</source>
        <translation>（ほか {count} 件）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ide.py"/>
        <source>; the other settings were checked</source>
        <translation>。ほかの設定は確認しました</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ide.py"/>
        <source>{editor}&apos;s settings file {file} cannot be read{where}{more}{rest}.</source>
        <translation>{editor} の設定ファイル {file} を読み込めません{where}{more}{rest}。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/ide.py"/>
        <source>{editors} settings do not get in the way of sign-in.</source>
        <translation>{editors} の設定はサインインの妨げになっていません。</translation>
    </message>
</context>
<context>
    <name>ide_wsl_off</name>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <location filename="../../wizard/fixes/ide_wsl_off.py"/>
        <source>Stop running Codex inside WSL</source>
        <translation>Codex を WSL の中で動かすのをやめる</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ide_wsl_off.py"/>
        <source>None of your editors runs Codex inside WSL.</source>
        <translation>Codex を WSL の中で動かしているエディターはありません。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ide_wsl_off.py"/>
        <source>Sign-in Doctor found the setting turned on in none of the editor settings files it can read, so it cannot turn it off for you: the editor that runs Codex inside WSL keeps it elsewhere (a profile, a workspace or a remote window). Turn it off by hand.</source>
        <translation>Sign-in Doctor が読めるエディターの設定ファイルには、この設定がオンになっているものがありませんでした。そのため自動ではオフにできません。Codex を WSL の中で動かしているエディターは、別の場所（プロファイル、ワークスペース、リモートウィンドウ）にこの設定を持っています。手作業でオフにしてください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ide_wsl_off.py"/>
        <source>{editor}&apos;s settings file {file} was not changed: {problem}. Correct it by hand (or in {editor}), then run this fix again.</source>
        <translation>{editor} の設定ファイル {file} は変更していません: {problem}。手で（または {editor} で）直してから、この修正をもう一度実行してください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ide_wsl_off.py"/>
        <source>Turns off &apos;Run Codex In Windows Subsystem For Linux&apos; in every editor where it is on.</source>
        <translation>「Run Codex In Windows Subsystem For Linux」がオンになっているすべてのエディターで、この設定をオフにします。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ide_wsl_off.py"/>
        <source>Turns off &apos;Run Codex In Windows Subsystem For Linux&apos; ({key}) in {editors}, so the Codex extension runs on Windows itself and the browser&apos;s return after signing in reaches it.</source>
        <translation>{editors} で「Run Codex In Windows Subsystem For Linux」（{key}）をオフにします。これで Codex の拡張機能は Windows 上で直接動き、サインイン後のブラウザーからの戻りが届くようになります。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ide_wsl_off.py"/>
        <source>Note: the extension only uses this setting on Windows, so on this computer turning it off tidies up but does not change how sign-in works.</source>
        <translation>注意: 拡張機能がこの設定を使うのは Windows の場合だけです。このコンピューターでオフにしても整理になるだけで、サインインの動きは変わりません。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ide_wsl_off.py"/>
        <source>Apply turns off &apos;Run Codex In Windows Subsystem For Linux&apos; in {editors}, so Codex runs on Windows, where the browser sends you back after signing in.</source>
        <translation>「適用」を押すと、{editors} の「Run Codex In Windows Subsystem For Linux」をオフにします。Codex は Windows 上で動き、サインイン後にブラウザーが戻ってくる先で受け取れるようになります。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ide_wsl_off.py"/>
        <source>too large to be a settings file</source>
        <translation>設定ファイルにしては大きすぎます</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ide_wsl_off.py"/>
        <source>it has a mistake at line {line}, column {column} ({problem})</source>
        <translation>{line} 行目 {column} 文字目に誤りがあります（{problem}）</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ide_wsl_off.py"/>
        <source>it cannot be read ({error})</source>
        <translation>読み込めません（{error}）</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/ide_wsl_off.py"/>
        <source>In {editor}: press {keys}, run &apos;Developer: Reload Window&apos; (or restart {editor}), then sign in again.</source>
        <translation>{editor} で {keys} を押し、「Developer: Reload Window」を実行してから（または {editor} を再起動してから）、もう一度サインインしてください。</translation>
    </message>
</context>
<context>
    <name>jsonc_edit</name>
    <message>
        <location filename="../../wizard/fixes/jsonc_edit.py"/>
        <source>not UTF-8 text (byte {byte})</source>
        <translation>UTF-8 のテキストではありません（{byte} バイト目）</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/jsonc_edit.py"/>
        <source>the file does not hold a settings object ({ ... })</source>
        <translation>ファイルに設定のオブジェクト（{ ... }）が入っていません</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/jsonc_edit.py"/>
        <source>the edit would change more than that setting</source>
        <translation>この編集ではその設定以外も変わってしまいます</translation>
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
        <translation>API キー</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/login_policy.py"/>
        <source>the macOS configuration profile ({domain})</source>
        <translation>macOS の構成プロファイル（{domain}）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/login_policy.py"/>
        <source>not base64-encoded TOML text</source>
        <translation>base64 でエンコードされた TOML テキストではありません</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/login_policy.py"/>
        <source>unknown sign-in method {value}</source>
        <translation>不明なサインイン方法 {value}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/login_policy.py"/>
        <source>The settings in {where} leave no sign-in method Codex can use, so Codex stops with “authentication requirements do not permit any usable login method”.</source>
        <translation>{where} の設定では Codex が使えるサインイン方法が残らないため、Codex は「authentication requirements do not permit any usable login method」で止まります。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/login_policy.py"/>
        <source>{where} allows only {methods} sign-in, so signing in with ChatGPT stops with “ChatGPT login is disabled. Use API key login instead.”</source>
        <translation>{where} では {methods} でのサインインしか許可されていないため、ChatGPT でのサインインは「ChatGPT login is disabled. Use API key login instead.」で止まります。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/login_policy.py"/>
        <source>No setting on this computer restricts how you sign in.</source>
        <translation>このコンピューターには、サインイン方法を制限する設定はありません。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/login_policy.py"/>
        <source>The settings on this computer allow signing in with ChatGPT.</source>
        <translation>このコンピューターの設定では、ChatGPT でのサインインが許可されています。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/login_policy.py"/>
        <source>{where} cannot be read ({detail}), and Codex does not start while it is broken.</source>
        <translation>{where} を読み取れません（{detail}）。壊れている間、Codex は起動しません。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/login_policy.py"/>
        <source>Signing in with ChatGPT is limited to the workspace(s) {ids} ({where}); with another workspace the sign-in page says “Login is restricted to workspace id(s) …”.</source>
        <translation>ChatGPT でのサインインはワークスペース {ids} に限られています（{where}）。ほかのワークスペースでは、サインインページに「Login is restricted to workspace id(s) …」と表示されます。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/login_policy.py"/>
        <source>Your organisation&apos;s settings from OpenAI were last saved here {age} ({file}); they can restrict sign-in too and are not shown here.</source>
        <translation>OpenAI から届いた組織の設定が、最後にこのコンピューターに保存されたのは {age} です（{file}）。この設定もサインインを制限することがありますが、ここには表示しません。</translation>
    </message>
</context>
<context>
    <name>logs</name>
    <message>
        <location filename="../../wizard/checks/logs.py"/>
        <source>The last sign-in failed.</source>
        <translation>前回のサインインは失敗しました。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/logs.py"/>
        <source>cannot be read: {error}</source>
        <translation>読み込めません: {error}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/logs.py"/>
        <source>{file} {problem}</source>
        <translation>{file}: {problem}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/logs.py"/>
        <source>The Codex sign-in logs could not be read.</source>
        <translation>Codex のサインインのログを読み込めませんでした。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/logs.py"/>
        <source>No Codex sign-in logs found.</source>
        <translation>Codex のサインインのログは見つかりませんでした。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/logs.py"/>
        <source>The {editor} log shows it starts Codex inside WSL (Linux on Windows).</source>
        <translation>{editor} のログによると、Codex は WSL（Windows 上の Linux）の中で起動されています。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/logs.py"/>
        <source>The last sign-in in the Codex log worked.</source>
        <translation>Codex のログによると、前回のサインインは成功しています。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/logs.py"/>
        <source>In the last sign-in the browser never came back to Codex: the Codex log shows no return from the sign-in page.</source>
        <translation>前回のサインインでは、ブラウザーが Codex に戻ってきませんでした。Codex のログにはサインインページからの戻りが記録されていません。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/logs.py"/>
        <source>Some Codex sign-in logs could not be read.</source>
        <translation>Codex のサインインのログの一部を読み込めませんでした。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/logs.py"/>
        <source>The Codex logs show no sign-in error.</source>
        <translation>Codex のログにサインインのエラーはありません。</translation>
    </message>
</context>
<context>
    <name>managed_prefs</name>
    <message>
        <location filename="../../wizard/platform/managed_prefs.py"/>
        <source>{file} could not be read ({error}).</source>
        <translation>{file} を読み取れませんでした（{error}）。</translation>
    </message>
</context>
<context>
    <name>network</name>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>the lookup got no answer in time</source>
        <translation>問い合わせに時間内の応答がありませんでした</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>no address was returned</source>
        <translation>アドレスが返されませんでした</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>the name is not valid ({error})</source>
        <translation>名前が正しくありません（{error}）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>the name is not known</source>
        <translation>その名前は見つかりません</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>the name server did not answer</source>
        <translation>ネームサーバーが応答しませんでした</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>the name server failed</source>
        <translation>ネームサーバーでエラーが起きました</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>the lookup failed ({error})</source>
        <translation>名前解決に失敗しました（{error}）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>connected</source>
        <translation>接続しました</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>the connection was refused</source>
        <translation>接続が拒否されました</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>the connection was reset</source>
        <translation>接続がリセットされました</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>this computer has no route to that network</source>
        <translation>このコンピューターからそのネットワークへの経路がありません</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>the host cannot be reached</source>
        <translation>相手のホストに届きません</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>the connection failed ({error})</source>
        <translation>接続に失敗しました（{error}）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>timed out after {seconds:.1f} s</source>
        <translation>{seconds:.1f} 秒でタイムアウトしました</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>no address to connect to</source>
        <translation>接続先のアドレスがありません</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>This computer is not connected to a network, so it cannot find {host}.</source>
        <translation>このコンピューターはネットワークに接続されていないため、{host} を見つけられません。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>This computer cannot find the address of {host} ({detail}).</source>
        <translation>このコンピューターは {host} のアドレスを見つけられません（{detail}）。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>{host} was found at {address}.</source>
        <translation>{host} のアドレスは {address} です。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>its name {name} cannot be looked up ({reason})</source>
        <translation>その名前 {name} を名前解決できません（{reason}）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>its address has no host name</source>
        <translation>そのアドレスにホスト名がありません</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>Your proxy {proxy} cannot be found: {detail}.</source>
        <translation>プロキシ {proxy} が見つかりません: {detail}。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>Codex goes through the proxy {proxy}, which looks up {host} itself; the proxy was found at {address}.</source>
        <translation>Codex はプロキシ {proxy} を経由します。{host} の名前解決はプロキシ自身が行います。プロキシのアドレスは {address} です。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>Not tested: the name could not be looked up.</source>
        <translation>未確認: 名前解決ができませんでした。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>the proxy {proxy}</source>
        <translation>プロキシ {proxy}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>Connected to {where} ({address}) in {ms} ms.</source>
        <translation>{where}（{address}）に {ms} ミリ秒で接続しました。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>Your proxy {proxy} cannot be reached: {detail}.</source>
        <translation>プロキシ {proxy} に接続できません: {detail}。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/network.py"/>
        <source>This computer cannot connect to {host} on port {port}: {detail}.</source>
        <translation>このコンピューターは {host} のポート {port} に接続できません: {detail}。</translation>
    </message>
</context>
<context>
    <name>os_trust</name>
    <message>
        <location filename="../../wizard/checks/os_trust.py"/>
        <source>Only relevant on Windows.</source>
        <translation>Windows でのみ関係します。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/os_trust.py"/>
        <source>A Windows policy stops Windows from downloading missing root certificates, and the root that vouches for {host} ({root}) is not on this computer.</source>
        <translation>Windows のポリシーによって足りないルート証明書がダウンロードされない設定になっていて、{host} を保証するルート証明書（{root}）がこのコンピューターにありません。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/os_trust.py"/>
        <source>The certificate {host} presents names no address where Windows can check that it was not revoked; Windows programs that insist on that check refuse it (CRYPT_E_NO_REVOCATION_CHECK).</source>
        <translation>{host} が示す証明書には、失効していないかを Windows が確認できるアドレスが書かれていません。この確認を必須にしている Windows のプログラムは、これを拒否します（CRYPT_E_NO_REVOCATION_CHECK）。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/os_trust.py"/>
        <source>A Windows policy stops Windows from downloading missing root certificates. The sign-in server is not affected, but other addresses Codex uses may be.</source>
        <translation>Windows のポリシーによって足りないルート証明書がダウンロードされない設定になっています。サインイン サーバーには影響ありませんが、Codex が使うほかのアドレスでは影響するかもしれません。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/os_trust.py"/>
        <source>Could not read whether Windows downloads missing root certificates ({problem}).</source>
        <translation>Windows が足りないルート証明書をダウンロードするかどうかを読み取れませんでした（{problem}）。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/os_trust.py"/>
        <source>Windows downloads missing root certificates by itself.</source>
        <translation>Windows は足りないルート証明書を自動でダウンロードします。</translation>
    </message>
    <message>
        <source>Windows is set not to download missing root certificates ({setting}), and the root that vouches for {host} ({root}) is not on this computer.</source>
        <translation type="vanished">Windows は足りないルート証明書をダウンロードしない設定になっていて（{setting}）、{host} を保証するルート証明書（{root}）がこのコンピューターにありません。</translation>
    </message>
    <message>
        <source>Windows is set not to download missing root certificates ({setting}). The sign-in server is not affected, but other addresses Codex uses may be.</source>
        <translation type="vanished">Windows は足りないルート証明書をダウンロードしない設定になっています（{setting}）。サインイン サーバーには影響ありませんが、Codex が使うほかのアドレスでは影響するかもしれません。</translation>
    </message>
</context>
<context>
    <name>os_verdict</name>
    <message>
        <location filename="../../wizard/checks/os_verdict.py"/>
        <source>no answer within {seconds:.1f} seconds</source>
        <translation>{seconds:.1f} 秒以内に応答がありませんでした</translation>
    </message>
</context>
<context>
    <name>os_verifier</name>
    <message>
        <location filename="../../wizard/platform/os_verifier.py"/>
        <source>Windows&apos; own certificate check (CryptoAPI, through truststore)</source>
        <translation>Windows 自身による証明書の確認（CryptoAPI、truststore 経由）</translation>
    </message>
    <message>
        <location filename="../../wizard/platform/os_verifier.py"/>
        <source>macOS&apos;s own certificate check (Security framework, through truststore)</source>
        <translation>macOS 自身による証明書の確認（Security フレームワーク、truststore 経由）</translation>
    </message>
    <message>
        <location filename="../../wizard/platform/os_verifier.py"/>
        <source>OpenSSL&apos;s default certificate paths (through truststore)</source>
        <translation>OpenSSL の既定の証明書の場所（truststore 経由）</translation>
    </message>
</context>
<context>
    <name>pasted</name>
    <message>
        <location filename="../../wizard/checks/pasted_error.py"/>
        <source>No error message was pasted.</source>
        <translation>エラーメッセージは貼り付けられていません。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/pasted_error.py"/>
        <source>Sign-in Doctor does not know the pasted message; the checks decide.</source>
        <translation>Sign-in Doctor はこの貼り付けられたメッセージを知りません。判断は下のチェックに任せます。</translation>
    </message>
    <message>
        <location filename="../../wizard/core/pasted.py"/>
        <source>This is what your message points to too: it confirms the finding.</source>
        <translation>貼り付けたメッセージも同じ問題を示しています。この結果を裏付けています。</translation>
    </message>
    <message>
        <location filename="../../wizard/core/pasted.py"/>
        <source>Your message points to “{points}”. This computer shows that too, but “{found}” has to be fixed first.</source>
        <translation>メッセージは「{points}」を示しています。このコンピューターでもそれが見つかりましたが、先に「{found}」を直す必要があります。</translation>
    </message>
    <message>
        <location filename="../../wizard/core/pasted.py"/>
        <source>Your message points to “{points}”, but this computer shows no such problem now. It may be fixed already, or it happens only where that Codex runs (another terminal, an editor, WSL).</source>
        <translation>メッセージは「{points}」を示していますが、このコンピューターでは今その問題は見つかりません。すでに直っているか、その Codex が動いている場所（別のターミナル、エディター、WSL）でだけ起きている可能性があります。</translation>
    </message>
    <message>
        <location filename="../../wizard/core/pasted.py"/>
        <source>Your message points to “{points}”, but the checks on this computer could not confirm it.</source>
        <translation>メッセージは「{points}」を示していますが、このコンピューターのチェックでは確かめられませんでした。</translation>
    </message>
    <message>
        <location filename="../../wizard/core/pasted.py"/>
        <source>Your message points to “{points}”, but this computer shows “{found}”.</source>
        <translation>メッセージは「{points}」を示していますが、このコンピューターで見つかったのは「{found}」です。</translation>
    </message>
    <message>
        <location filename="../../wizard/core/pasted.py"/>
        <source>Your message points to step {n} “{step}”, where the problem was found: it confirms the finding.</source>
        <translation>メッセージはステップ {n}「{step}」を示しています。問題が見つかったのもここで、この結果を裏付けています。</translation>
    </message>
    <message>
        <location filename="../../wizard/core/pasted.py"/>
        <source>Your message points to step {n} “{step}”. That step happens in your browser and at OpenAI, so this computer cannot test it.</source>
        <translation>メッセージはステップ {n}「{step}」を示しています。このステップはブラウザーと OpenAI の側で行われるため、このコンピューターでは確かめられません。</translation>
    </message>
    <message>
        <location filename="../../wizard/core/pasted.py"/>
        <source>Your message points to step {n} “{step}”, but this computer shows the problem in step {m} “{found}”.</source>
        <translation>メッセージはステップ {n}「{step}」を示していますが、このコンピューターではステップ {m}「{found}」に問題が見つかりました。</translation>
    </message>
    <message>
        <location filename="../../wizard/core/pasted.py"/>
        <source>Your message points to step {n} “{step}”, but nothing on this computer shows a problem there now.</source>
        <translation>メッセージはステップ {n}「{step}」を示していますが、このコンピューターでは今そこに問題は見つかりません。</translation>
    </message>
</context>
<context>
    <name>plan</name>
    <message>
        <location filename="../../wizard/fixes/plan.py"/>
        <source>  (no change)</source>
        <translation>  （変更なし）</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/plan.py"/>
        <source>unset {name}   (was {value})</source>
        <translation>unset {name}   （変更前: {value}）</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/plan.py"/>
        <source>Not applicable: {reason}</source>
        <translation>適用できません: {reason}</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/plan.py"/>
        <source>File {file}:</source>
        <translation>ファイル {file}:</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/plan.py"/>
        <source>Variables for your user account:</source>
        <translation>ユーザーアカウントの環境変数:</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/plan.py"/>
        <source>Actions:</source>
        <translation>操作:</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/plan.py"/>
        <source>Steps:</source>
        <translation>手順:</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/plan.py"/>
        <source>Commands:</source>
        <translation>コマンド:</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/plan.py"/>
        <source>Afterwards: {steps}</source>
        <translation>そのあと: {steps}</translation>
    </message>
</context>
<context>
    <name>port</name>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>Not bind-tested: the environment is {platform}, this machine is {machine}; based on the listed listeners and reservations.</source>
        <translation>待ち受けのテストはしていません: 環境は {platform}、このマシンは {machine} です。一覧にある待ち受けと予約をもとに判断しました。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>Port {port} is held by {holder}, the WSL relay: the browser&apos;s return goes to Codex inside WSL (Linux on Windows), not to Codex on Windows.</source>
        <translation>ポート {port} を WSL の中継プログラム {holder} が使っています。ブラウザーからの戻りは Windows 上の Codex ではなく、WSL（Windows 上の Linux）の中の Codex に届きます。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>Windows has reserved port {ports} for its own networking (Hyper-V, WSL or Docker), so Codex cannot listen for the browser&apos;s return.</source>
        <translation>Windows がポート {ports} を自分のネットワーク機能（Hyper-V、WSL、Docker）のために予約しているため、Codex はブラウザーからの戻りを待ち受けられません。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>Windows has reserved ports {ports} for its own networking (Hyper-V, WSL or Docker), so Codex cannot listen for the browser&apos;s return.</source>
        <translation>Windows がポート {ports} を自分のネットワーク機能（Hyper-V、WSL、Docker）のために予約しているため、Codex はブラウザーからの戻りを待ち受けられません。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>Port {ports} is in use, so Codex has nowhere to receive the browser&apos;s return: {holders}.</source>
        <translation>ポート {ports} は使用中のため、Codex はブラウザーからの戻りを受け取れません: {holders}。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>Ports {ports} are all in use, so Codex has nowhere to receive the browser&apos;s return: {holders}.</source>
        <translation>ポート {ports} はすべて使用中のため、Codex はブラウザーからの戻りを受け取れません: {holders}。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>Codex cannot listen on port {ports}: {holders}.</source>
        <translation>Codex はポート {ports} で待ち受けられません: {holders}。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>Codex cannot listen on ports {ports}: {holders}.</source>
        <translation>Codex はポート {ports} で待ち受けられません: {holders}。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>Something on this computer (a security program or network filter) refuses to let Codex listen on port {ports} ({detail}).</source>
        <translation>このコンピューター上の何か（セキュリティソフトやネットワークのフィルター）が、Codex がポート {ports} で待ち受けるのを拒否しています（{detail}）。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>Something on this computer (a security program or network filter) refuses to let Codex listen on ports {ports} ({detail}).</source>
        <translation>このコンピューター上の何か（セキュリティソフトやネットワークのフィルター）が、Codex がポート {ports} で待ち受けるのを拒否しています（{detail}）。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>Port {port} is used by {holders}, and a Codex sign-in is waiting on port {fallback} for the browser&apos;s return. Finish that sign-in: a new one would find both ports taken and fail.</source>
        <translation>ポート {port} は {holders} が使っていて、ポート {fallback} では Codex のサインインがブラウザーからの戻りを待っています。そのサインインを最後まで済ませてください。新しくサインインを始めると、両方のポートがふさがっているため失敗します。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>Port {port} is used by {holders}; Codex {version} and newer switch to {fallback}, older versions fail.</source>
        <translation>ポート {port} は {holders} が使っています。Codex {version} 以降は {fallback} に切り替えますが、それより古いバージョンは失敗します。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>Port {port} is free for Codex to receive the browser&apos;s return.</source>
        <translation>ポート {port} は空いており、Codex はブラウザーからの戻りを受け取れます。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>[::1]:{port} (IPv6) is answered by {holders}</source>
        <translation>[::1]:{port}（IPv6）では {holders} が応答しています</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>Separately, {listeners}. Codex sends the browser to 127.0.0.1, so that program does not catch this sign-in&apos;s return, but a browser sent to localhost reaches it first.</source>
        <translation>なお、{listeners}。Codex はブラウザーを 127.0.0.1 に戻すため、このサインインの戻りをそのプログラムが受け取ることはありませんが、localhost に送られたブラウザーは先にそのプログラムにつながります。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>{first} and {last}</source>
        <translation>{first}、{last}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>{holder} on port {port} is {tool}, an account switcher or local proxy tool that takes over Codex&apos;s sign-in.</source>
        <translation>ポート {port} の {holder} は {tool} です。これは Codex のサインインを横取りするアカウント切り替えツールまたはローカルのプロキシツールです。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>A Codex sign-in is waiting on port {port} for the browser&apos;s return. Starting a new sign-in replaces it.</source>
        <translation>Codex のサインインが、ポート {port} でブラウザーからの戻りを待っています。新しくサインインを始めると、そちらに置き換わります。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>port {port} is used by {holders}</source>
        <translation>ポート {port} は {holders} が使用中</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>port {port} by {holders}</source>
        <translation>ポート {port} は {holders} が使用中</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>port {port} is reserved by Windows</source>
        <translation>ポート {port} は Windows が予約済み</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>port {port} is refused by Windows ({error})</source>
        <translation>ポート {port} は Windows が拒否（{error}）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>port {port} is refused ({error})</source>
        <translation>ポート {port} は拒否（{error}）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>a program whose owner needs admin rights to see</source>
        <translation>管理者権限がないと持ち主がわからないプログラム</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>Windows itself (http.sys)</source>
        <translation>Windows 自身（http.sys）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>Windows itself (http.sys, pid 4)</source>
        <translation>Windows 自身（http.sys、pid 4）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <location filename="../../wizard/checks/watch.py"/>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>{name} (pid {pid})</source>
        <translation>{name}（pid {pid}）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>process {pid}</source>
        <translation>プロセス {pid}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/port.py"/>
        <source>not tested</source>
        <translation>未確認</translation>
    </message>
    <message>
        <source>Another Codex sign-in is still waiting on port {port}.</source>
        <translation type="vanished">別の Codex のサインインが、まだポート {port} で待機しています。</translation>
    </message>
    <message>
        <source>{who} listens on port {port} for IPv6 (::1). Browsers try that address first for &apos;localhost&apos;, so the sign-in&apos;s return may go there instead of to Codex.</source>
        <translation type="vanished">{who} がポート {port} を IPv6（::1）で待ち受けています。ブラウザーは「localhost」でまずこのアドレスを試すため、サインイン後の戻りが Codex ではなくそちらに届く場合があります。</translation>
    </message>
</context>
<context>
    <name>port_release</name>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>an unnamed program</source>
        <translation>名前のないプログラム</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>Free the sign-in port</source>
        <translation>サインイン用のポートを空ける</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>The sign-in port was not checked.</source>
        <translation>サインイン用のポートはチェックしていません。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>The sign-in port is free; there is nothing to stop.</source>
        <translation>サインイン用のポートは空いています。止めるものはありません。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>Port {port} is held by a Codex sign-in that is still waiting. This asks it to stop (http://127.0.0.1:{port}/cancel), exactly as Codex itself does.</source>
        <translation>ポート {port} は、まだ待機中の Codex のサインインが使っています。この修正は、Codex 自身と同じ方法でそれに停止を依頼します（http://127.0.0.1:{port}/cancel）。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>A Codex sign-in that is still waiting holds port {port}; Sign-in Doctor asks it to stop, as Codex itself does.</source>
        <translation>待機中の Codex のサインインがポート {port} を使っています。Sign-in Doctor は Codex 自身と同じ方法で、それに停止を頼みます。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>Port {port} is in use by a program whose owner needs admin rights to see; Sign-in Doctor cannot end it. Restarting the computer frees it.</source>
        <translation>ポート {port} は、管理者権限がないと持ち主がわからないプログラムが使っています。Sign-in Doctor はそれを終了できません。コンピューターを再起動すると空きます。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>Port {port} is used by {holder}.</source>
        <translation>ポート {port} は {holder} が使っています。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>You confirmed &apos;{name}&apos;: this ends it (save your work in it first).</source>
        <translation>「{name}」の終了が確認されました: この修正はそれを終了します（先に作業内容を保存してください）。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>asked the waiting Codex sign-in on port {port} to stop</source>
        <translation>ポート {port} で待機中の Codex のサインインに停止を依頼した</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>ended {name} (pid {pid})</source>
        <translation>{name}（pid {pid}）を終了した</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>Port {port} is still in use after Sign-in Doctor {what}.</source>
        <translation>Sign-in Doctor が{what}後も、ポート {port} は使用中のままです。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>the sign-in ports</source>
        <translation>サインイン用のポート</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>{ports} (range {start}-{end})</source>
        <translation>{ports}（範囲 {start}-{end}）</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>Windows has reserved {ports} for its own networking (Hyper-V, WSL or Docker); no program holds them, so there is nothing to end. An administrator can free them (the fix &apos;Free the reserved ports&apos;, winnat-restart). Meanwhile a device code sign-in needs no local port.</source>
        <translation>Windows が {ports} を自分のネットワーク用（Hyper-V、WSL、Docker）に予約しています。使っているプログラムはないので、終了するものはありません。管理者なら解放できます（修正「予約されたポートを解放する」、winnat-restart）。それまでは、デバイスコードでのサインインならローカルのポートは不要です。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>Stops what holds the port Codex needs for the browser&apos;s return.</source>
        <translation>Codex がブラウザーからの戻りに使うポートをふさいでいるものを止めます。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>{name} is the WSL relay: ending it stops every port forwarded from WSL (Linux on Windows) until WSL restarts, and the editor starts it again. The real fix is to run Codex on Windows, not inside WSL: turn off the editor&apos;s &apos;Run Codex in WSL&apos; setting instead.</source>
        <translation>{name} は WSL の中継プログラムです。終了すると、WSL が再起動するまで WSL（Windows 上の Linux）から転送されているすべてのポートが止まり、エディターがまた起動します。本当の直し方は、Codex を WSL の中ではなく Windows 上で動かすことです。代わりに、エディターの「Run Codex in WSL」の設定をオフにしてください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>port {port}</source>
        <translation>ポート {port}</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>ports {ports}</source>
        <translation>ポート {ports}</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>{name}, the WSL relay, holds {port}. Ending it frees the port until the editor starts it again; the lasting fix is to stop running Codex inside WSL.</source>
        <translation>WSL の中継プログラム {name} が {port} を使っています。終了するとエディターがまた起動するまでポートが空きます。根本的な直し方は、Codex を WSL の中で動かすのをやめることです。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>{name} holds {port}, which Codex needs for the browser&apos;s return. Ending {name} frees it: save your work in it first.</source>
        <translation>Codex がブラウザーからの戻りを受け取るのに必要な {port} を、{name} が使っています。{name} を終了すると空きます。先にそこでの作業を保存してください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>Its owner needs admin rights to see, so Sign-in Doctor cannot end it.</source>
        <translation>管理者権限がないと持ち主がわからないため、Sign-in Doctor はこれを終了できません。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>It is part of the operating system: Sign-in Doctor never ends it. Restarting the computer usually frees the port.</source>
        <translation>これはオペレーティングシステムの一部です。Sign-in Doctor が終了することはありません。コンピューターを再起動すると、たいていポートは空きます。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>{name} is part of the operating system: Sign-in Doctor never ends it. Restarting the computer usually frees the port.</source>
        <translation>{name} はオペレーティングシステムの一部です。Sign-in Doctor が終了することはありません。コンピューターを再起動すると、たいていポートは空きます。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>That is Sign-in Doctor itself or the program that started it; close it yourself.</source>
        <translation>これは Sign-in Doctor 自身か、それを起動したプログラムです。ご自身で閉じてください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>Sign-in Doctor cannot tell which user it belongs to, so it does not end it.</source>
        <translation>どのユーザーのものか判断できないため、Sign-in Doctor は終了しません。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>It belongs to another user ({user}); only that user or an administrator can end it.</source>
        <translation>ほかのユーザー（{user}）のものです。終了できるのは、そのユーザーか管理者だけです。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>If you want Sign-in Doctor to end it, run this fix again with --confirm-process {name}.</source>
        <translation>Sign-in Doctor に終了させたい場合は、この修正を --confirm-process {name} を付けてもう一度実行してください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>You confirmed &apos;{confirmed}&apos;, but the program holding the port is &apos;{name}&apos;; nothing is ended.</source>
        <translation>「{confirmed}」が確認されましたが、ポートを使っているプログラムは「{name}」です。何も終了しません。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>Ask the waiting Codex sign-in on port {port} to stop (GET /cancel)</source>
        <translation>ポート {port} で待機中の Codex のサインインに停止を依頼する（GET /cancel）</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>End {name} (pid {pid}, {exe}, user {user}) to free port {port}</source>
        <translation>ポート {port} を空けるため、{name}（pid {pid}、{exe}、ユーザー {user}）を終了する</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>program unknown</source>
        <translation>プログラム不明</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>Could not reach the Codex sign-in on port {port} ({error}).</source>
        <translation>ポート {port} の Codex のサインインに接続できませんでした（{error}）。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>The program with pid {pid} is no longer {name}; nothing was ended. Run the fix again.</source>
        <translation>pid {pid} のプログラムはもう {name} ではありません。何も終了していません。修正をもう一度実行してください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>{name} (pid {pid}) did not stop.</source>
        <translation>{name}（pid {pid}）が止まりませんでした。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/port_release.py"/>
        <source>Not allowed to end {name} (pid {pid}).</source>
        <translation>{name}（pid {pid}）を終了する権限がありません。</translation>
    </message>
    <message>
        <source>{name} is the WSL relay: ending it stops every port forwarded from WSL (Linux on Windows) until WSL restarts, and the editor starts it again. The real fix is to run Codex on Windows, not inside WSL (fix ide-wsl-off).</source>
        <translation type="vanished">{name} は WSL の中継プログラムです。終了すると、WSL が再起動するまで WSL（Windows 上の Linux）から転送されているすべてのポートが止まり、エディターがまた起動します。本当の直し方は、Codex を WSL の中ではなく Windows 上で動かすことです（修正 ide-wsl-off）。</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation type="vanished">不明</translation>
    </message>
    <message>
        <source>{name} - pid {pid}, program {exe}, user {user}</source>
        <translation type="vanished">{name} - pid {pid}、プログラム {exe}、ユーザー {user}</translation>
    </message>
    <message>
        <source>Start the sign-in again.</source>
        <translation type="vanished">もう一度サインインを始めてください。</translation>
    </message>
    <message>
        <source>Windows has reserved {ports} for its own networking (Hyper-V, WSL or Docker); no program holds them, so there is nothing to end. An administrator can free them: see `python -m wizard fix winnat-restart`. Meanwhile `codex login --device-auth` signs in without a local port.</source>
        <translation type="vanished">Windows が {ports} を自分のネットワーク機能（Hyper-V、WSL、Docker）のために予約しています。使っているプログラムはないため、終了するものはありません。管理者が解放できます（`python -m wizard fix winnat-restart` を参照）。それまでは `codex login --device-auth` で、このコンピューターのポートを使わずにサインインできます。</translation>
    </message>
    <message>
        <source>{name} is the WSL relay: ending it stops every port forwarded from WSL (Linux on Windows) until WSL restarts, and the editor starts it again. The real fix is `ide-wsl-off` (run Codex on Windows, not inside WSL).</source>
        <translation type="vanished">{name} は WSL の中継プログラムです。終了すると、WSL が再起動するまで WSL（Windows 上の Linux）から転送されるすべてのポートが止まり、エディターがまた起動します。根本的な修正は `ide-wsl-off` です（Codex を WSL の中ではなく Windows 上で動かします）。</translation>
    </message>
</context>
<context>
    <name>proxy</name>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>NO_PROXY does not list localhost, 127.0.0.1 and ::1, so requests Codex makes to this computer may be sent to the proxy; the usual setting is NO_PROXY=localhost,127.0.0.1,::1 (openai/codex#36490).</source>
        <translation>NO_PROXY に localhost、127.0.0.1、::1 が含まれていないため、Codex がこのコンピューター自身に送る通信がプロキシに送られることがあります。通常の設定は NO_PROXY=localhost,127.0.0.1,::1 です（openai/codex#36490）。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>Codex is told to use the SOCKS proxy {proxy} ({source}), but Codex cannot use SOCKS proxies: it gives up before connecting to it.</source>
        <translation>Codex は SOCKS プロキシ {proxy}（{source}）を使うよう設定されていますが、Codex は SOCKS プロキシを使えません。プロキシに接続する前に諦めてしまいます。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>Your proxy {proxy} does not answer properly: {failure}.</source>
        <translation>プロキシ {proxy} が正しく応答しません: {failure}。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>Your proxy {proxy} cannot be reached: {failure}.</source>
        <translation>プロキシ {proxy} に接続できません: {failure}。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>The proxy {proxy} lets Codex through.</source>
        <translation>プロキシ {proxy} は Codex を通します。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>the user name and password sent with the request were rejected (407)</source>
        <translation>送ったユーザー名とパスワードが拒否されました（407）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>it answered 407 and no user name and password are configured</source>
        <translation>407 が返されましたが、ユーザー名とパスワードが設定されていません</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>The proxy {proxy} rejected the user name and password Codex would send.</source>
        <translation>プロキシ {proxy} は、Codex が送るユーザー名とパスワードを拒否しました。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>The proxy {proxy} wants a user name and password, and none is set.</source>
        <translation>プロキシ {proxy} はユーザー名とパスワードを求めていますが、設定されていません。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>the proxy answered {answer} with a block page</source>
        <translation>プロキシがブロックページとともに {answer} を返しました</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>The proxy {proxy} refuses to connect to {host} ({answer} with a block page).</source>
        <translation>プロキシ {proxy} は {host} への接続を拒否しています（{answer}、ブロックページ）。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>the proxy answered {answer}</source>
        <translation>プロキシが {answer} を返しました</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>The proxy {proxy} refuses to connect to {host} ({answer}).</source>
        <translation>プロキシ {proxy} は {host} への接続を拒否しています（{answer}）。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>No proxy is set; Codex connects directly.</source>
        <translation>プロキシは設定されていません。Codex は直接接続します。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>the proxy&apos;s exception list</source>
        <translation>プロキシの例外リスト</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>Codex connects to {host} directly: {entry} in {where} exempts it from the proxy, so if your network only lets traffic out through the proxy, Codex cannot get out.</source>
        <translation>Codex は {host} に直接接続します。{where} の {entry} によってプロキシの対象外になっているためです。ネットワークがプロキシ経由の通信しか許可していない場合、Codex は外部に接続できません。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>Codex asks the proxy script {script} ({source}) which proxy to use; Sign-in Doctor cannot run proxy scripts, so it tested the direct way.</source>
        <translation>Codex はどのプロキシを使うかをプロキシスクリプト {script}（{source}）に問い合わせます。Sign-in Doctor はプロキシスクリプトを実行できないため、直接接続で確認しました。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>Codex ignores {source} ({value}): it does not read &apos;{scheme}://&apos; proxy addresses, so it connects directly; if your network only lets traffic out through a proxy, Codex cannot get out.</source>
        <translation>Codex は {source}（{value}）を無視します。「{scheme}://」形式のプロキシアドレスは読み取らないため、直接接続します。ネットワークがプロキシ経由の通信しか許可していない場合、Codex は外部に接続できません。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>the proxy script {value}</source>
        <translation>プロキシスクリプト {value}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>the proxy {value}</source>
        <translation>プロキシ {value}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>Codex connects directly, although {source} uses {what}; if your network only lets traffic out through a proxy, Codex cannot get out.</source>
        <translation>{source} は {what} を使っていますが、Codex は直接接続します。ネットワークがプロキシ経由の通信しか許可していない場合、Codex は外部に接続できません。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>the proxy address has no host name</source>
        <translation>プロキシのアドレスにホスト名がありません</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>the connection to the proxy broke ({error})</source>
        <translation>プロキシへの接続が切れました（{error}）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>the secure connection to the proxy failed ({error})</source>
        <translation>プロキシへの安全な接続に失敗しました（{error}）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>it accepted the connection but sent no answer within {seconds:.1f} s</source>
        <translation>接続は受け付けましたが、{seconds:.1f} 秒以内に応答がありませんでした</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>the check was cancelled</source>
        <translation>チェックがキャンセルされました</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>it closed the connection without answering</source>
        <translation>応答せずに接続を閉じました</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/proxy.py"/>
        <source>it answered, but not like an HTTP proxy (is it a SOCKS port?)</source>
        <translation>応答はありましたが、HTTP プロキシの応答ではありません（SOCKS のポートではありませんか？）</translation>
    </message>
    <message>
        <source>Codex is told to use the SOCKS proxy {proxy} ({source}); Codex does not work reliably through SOCKS, so use the app&apos;s HTTP (or mixed) proxy port instead.</source>
        <translation type="vanished">Codex は SOCKS プロキシ {proxy}（{source}）を使うよう設定されています。Codex は SOCKS 経由では安定して動かないため、代わりにそのアプリの HTTP（または mixed）プロキシのポートを使ってください。</translation>
    </message>
    <message>
        <source>Codex is told to use the proxy {proxy} ({source}), but Codex cannot use a &apos;{scheme}&apos; proxy.</source>
        <translation type="vanished">Codex はプロキシ {proxy}（{source}）を使うよう設定されていますが、Codex は「{scheme}」形式のプロキシを使えません。</translation>
    </message>
</context>
<context>
    <name>proxy_env_repair</name>
    <message>
        <location filename="../../wizard/fixes/proxy_env_repair.py"/>
        <source>Remove a stale proxy setting</source>
        <translation>古くなったプロキシの設定を削除する</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/proxy_env_repair.py"/>
        <source>Removes a proxy setting that points at nothing.</source>
        <translation>何も指していないプロキシの設定を削除します。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/proxy_env_repair.py"/>
        <source>The proxy works but wants a user name and password. Ask IT for proxy credentials and put them in the proxy setting (http://USER:PASSWORD@host:port), or ask for the sign-in server to be allowed without them.</source>
        <translation>プロキシは動いていますが、ユーザー名とパスワードを求めています。IT 担当者からプロキシの認証情報をもらってプロキシの設定に入れるか（http://USER:PASSWORD@host:port）、認証なしでサインインサーバーに接続できるよう依頼してください。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/proxy_env_repair.py"/>
        <source>No proxy setting is stale: nothing to remove.</source>
        <translation>古くなったプロキシの設定はありません。削除するものはありません。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/proxy_env_repair.py"/>
        <source>The proxy setting is not there any more.</source>
        <translation>プロキシの設定はもうありません。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/proxy_env_repair.py"/>
        <source>The proxy {proxy} comes from {source}, not from a variable: change it there (Windows: Settings &gt; Network &amp; internet &gt; Proxy; macOS: System Settings &gt; Network &gt; Details &gt; Proxies).</source>
        <translation>プロキシ {proxy} は環境変数ではなく {source} で設定されています。そちらで変更してください（Windows:「設定 &gt; ネットワークとインターネット &gt; プロキシ」、macOS:「システム設定 &gt; ネットワーク &gt; 詳細 &gt; プロキシ」）。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/proxy_env_repair.py"/>
        <source>Codex cannot use a &apos;{scheme}&apos; proxy ({proxy})</source>
        <translation>Codex は「{scheme}」形式のプロキシ（{proxy}）を使えません</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/proxy_env_repair.py"/>
        <source>nothing answers at the proxy {proxy}</source>
        <translation>プロキシ {proxy} から応答がありません</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/proxy_env_repair.py"/>
        <source>The stale proxy setting ({name}) is not in any place Sign-in Doctor can change.</source>
        <translation>古くなったプロキシの設定（{name}）は、Sign-in Doctor が変更できる場所にはありません。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/proxy_env_repair.py"/>
        <source>Codex is told to use a proxy, but {why}. This turns off {places}.</source>
        <translation>Codex はプロキシを使うよう設定されていますが、{why}。この修正は {places} をオフにします。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/proxy_env_repair.py"/>
        <source>If you need a proxy to reach the internet, set HTTPS_PROXY to your proxy app&apos;s HTTP (or &apos;mixed&apos;) port instead, e.g. http://127.0.0.1:PORT.</source>
        <translation>インターネットへの接続にプロキシが必要な場合は、代わりに HTTPS_PROXY をプロキシアプリの HTTP（または mixed）ポートに設定してください（例: http://127.0.0.1:PORT）。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/proxy_env_repair.py"/>
        <source>Another proxy stays set ({remaining}), so NO_PROXY is set to {no_proxy}: the sign-in&apos;s return to this computer never goes to a proxy.</source>
        <translation>別のプロキシの設定（{remaining}）は残るため、NO_PROXY を {no_proxy} に設定します。これで、サインイン後のこのコンピューターへの戻りがプロキシに送られることはなくなります。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/proxy_env_repair.py"/>
        <source>Codex then connects directly.</source>
        <translation>その後、Codex は直接接続します。</translation>
    </message>
    <message>
        <source>{name} in {places}</source>
        <translation type="vanished">{places}の {name}</translation>
    </message>
</context>
<context>
    <name>redact</name>
    <message>
        <location filename="../../wizard/report/redact.py"/>
        <source>sign-in tokens</source>
        <translation>サインインのトークン</translation>
    </message>
    <message>
        <location filename="../../wizard/report/redact.py"/>
        <source>API keys</source>
        <translation>API キー</translation>
    </message>
    <message>
        <location filename="../../wizard/report/redact.py"/>
        <source>sign-in codes</source>
        <translation>サインインのコード</translation>
    </message>
    <message>
        <location filename="../../wizard/report/redact.py"/>
        <source>sign-in state values</source>
        <translation>サインインの state 値</translation>
    </message>
    <message>
        <location filename="../../wizard/report/redact.py"/>
        <source>passwords</source>
        <translation>パスワード</translation>
    </message>
    <message>
        <location filename="../../wizard/report/redact.py"/>
        <source>other secret values</source>
        <translation>その他の秘密の値</translation>
    </message>
    <message>
        <location filename="../../wizard/report/redact.py"/>
        <source>e-mail addresses</source>
        <translation>メールアドレス</translation>
    </message>
    <message>
        <location filename="../../wizard/report/redact.py"/>
        <source>your user name</source>
        <translation>ユーザー名</translation>
    </message>
    <message>
        <location filename="../../wizard/report/redact.py"/>
        <source>your home folder</source>
        <translation>ホームフォルダー</translation>
    </message>
</context>
<context>
    <name>remote</name>
    <message>
        <location filename="../../wizard/checks/remote.py"/>
        <source>an SSH session on another computer</source>
        <translation>別のコンピューターへの SSH セッション</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/remote.py"/>
        <source>GitHub Codespaces (a computer in the cloud)</source>
        <translation>GitHub Codespaces（クラウド上のコンピューター）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/remote.py"/>
        <source>a dev container</source>
        <translation>開発コンテナー</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/remote.py"/>
        <source>a container</source>
        <translation>コンテナー</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/remote.py"/>
        <source>WSL (Linux on Windows)</source>
        <translation>WSL（Windows 上の Linux）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/remote.py"/>
        <source>This is not a remote session, a container or WSL: a browser on this computer returns to Codex here.</source>
        <translation>リモートセッション、コンテナー、WSL のいずれでもありません。このコンピューターのブラウザーは、ここの Codex に戻ります。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/remote.py"/>
        <source>This runs in {where}. A browser on your own computer returns to port {port} on your own computer, not here, unless that port is forwarded to this machine.</source>
        <translation>これは{where}で動いています。お使いのコンピューターのブラウザーは、そのポートをこのマシンへ転送しない限り、ここではなくお使いのコンピューターのポート {port} に戻ります。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/remote.py"/>
        <source>This runs in {where} with its own display: a browser opened here returns to Codex here, a browser on your own computer does not.</source>
        <translation>これは独自の画面表示を持つ{where}で動いています。ここで開いたブラウザーはここの Codex に戻りますが、お使いのコンピューターのブラウザーは戻りません。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/remote.py"/>
        <source>This runs in {where}. The browser&apos;s return reaches Codex here only if port {port} is passed on to it (WSL and containers on the computer&apos;s own network usually do); if the browser says the page cannot be reached, sign in with a device code.</source>
        <translation>これは{where}で動いています。ブラウザーの戻りがここの Codex に届くのは、ポート {port} がこちらへ渡される場合だけです（WSL や、コンピューターと同じネットワークを使うコンテナーでは通常そうなります）。ブラウザーに「このサイトにアクセスできません」と表示されたら、デバイスコードでサインインしてください。</translation>
    </message>
</context>
<context>
    <name>report</name>
    <message>
        <location filename="../../wizard/report/draft.py"/>
        <source>Proxy address</source>
        <translation>プロキシのアドレス</translation>
    </message>
    <message>
        <location filename="../../wizard/report/draft.py"/>
        <source>Replaces {addresses} with {marker} everywhere in the report.</source>
        <translation>レポート内のすべての {addresses} を {marker} に置き換えます。</translation>
    </message>
    <message>
        <location filename="../../wizard/report/draft.py"/>
        <source>Editor settings file paths</source>
        <translation>エディターの設定ファイルのパス</translation>
    </message>
    <message>
        <location filename="../../wizard/report/draft.py"/>
        <source>Replaces {paths} with {marker} everywhere in the report.</source>
        <translation>レポート内のすべての {paths} を {marker} に置き換えます。</translation>
    </message>
    <message>
        <location filename="../../wizard/report/draft.py"/>
        <source>The error message that was pasted</source>
        <translation>貼り付けたエラーメッセージ</translation>
    </message>
    <message>
        <location filename="../../wizard/report/draft.py"/>
        <source>Leaves out the pasted error message and what it means.</source>
        <translation>貼り付けたエラーメッセージとその意味を含めません。</translation>
    </message>
    <message>
        <location filename="../../wizard/report/draft.py"/>
        <source>Details of “{title}”</source>
        <translation>「{title}」の詳細</translation>
    </message>
    <message>
        <location filename="../../wizard/report/draft.py"/>
        <source>Leaves out the technical details of this check; its result and one-line summary stay.</source>
        <translation>このチェックの技術的な詳細を含めません。結果と 1 行の要約は残ります。</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Warning</source>
        <translation>注意</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Problem</source>
        <translation>問題あり</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Not tested</source>
        <translation>未確認</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Check broke</source>
        <translation>チェック失敗</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Nothing wrong found</source>
        <translation>問題なし</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Not sure yet</source>
        <translation>原因不明</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Problem found</source>
        <translation>問題あり</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Turn off &apos;Run Codex in WSL&apos; in your editor&apos;s settings</source>
        <translation>エディターの設定で「Run Codex in WSL」をオフにする</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Give Codex your organisation&apos;s certificate</source>
        <translation>組織の証明書を Codex に設定する</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Repair the broken certificate setting</source>
        <translation>壊れた証明書の設定を直す</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Remove or correct the stale proxy setting</source>
        <translation>古くなったプロキシの設定を削除または修正する</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Free the sign-in port</source>
        <translation>サインイン用のポートを空ける</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Sign in with a device code instead (codex login --device-auth)</source>
        <translation>代わりにデバイスコードでサインインする（codex login --device-auth）</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Let the computer set its clock automatically</source>
        <translation>コンピューターの時計を自動で合わせる</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Check OpenAI&apos;s status page (status.openai.com)</source>
        <translation>OpenAI のステータスページを確認する（status.openai.com）</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Restart Windows NAT to release the reserved ports (needs admin)</source>
        <translation>Windows NAT を再起動して予約されたポートを解放する（管理者が必要）</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Sign-in Doctor · case file</source>
        <translation>Sign-in Doctor · レポート</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <location filename="../../wizard/report/markdown.py"/>
        <source>Case</source>
        <translation>ケース</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>What to do next</source>
        <translation>次にすること</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>What was checked</source>
        <translation>チェックした内容</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Each check and its result. Status is shown as a word and an icon.</source>
        <translation>各チェックとその結果。状態は言葉とアイコンで示しています。</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <location filename="../../wizard/report/markdown.py"/>
        <source>Status</source>
        <translation>状態</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <location filename="../../wizard/report/markdown.py"/>
        <source>Check</source>
        <translation>チェック</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <location filename="../../wizard/report/markdown.py"/>
        <source>Result</source>
        <translation>結果</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Time</source>
        <translation>時間</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <location filename="../../wizard/report/markdown.py"/>
        <source>About this case</source>
        <translation>このケースについて</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Details for the help desk</source>
        <translation>ヘルプデスク向けの詳細</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <location filename="../../wizard/report/markdown.py"/>
        <source>Proven faults:</source>
        <translation>確認された不具合:</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Case {case_id}: {title}</source>
        <translation>ケース {case_id}: {title}</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Also found (fix after the first):</source>
        <translation>ほかにも見つかった問題（最初の問題のあとに直してください）:</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Case {case_id}, written {generated_at} by {tool}. Sign-in tokens, codes, keys, passwords, e-mail addresses and your user name were removed before this file was written. Nothing was sent anywhere.</source>
        <translation>ケース {case_id}、{generated_at} に {tool} で作成。このファイルを書き出す前に、サインインのトークン、コード、キー、パスワード、メールアドレス、ユーザー名を取り除きました。どこにも送信していません。</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>What Sign-in Doctor can do</source>
        <translation>Sign-in Doctor にできること</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>fix id</source>
        <translation>修正 ID</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>The problem is in step {n} of the sign-in.</source>
        <translation>問題はサインインの手順 {n} にあります。</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>No single step of the sign-in is proven to fail.</source>
        <translation>サインインのどの手順で失敗しているかは特定できていません。</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Where in the sign-in</source>
        <translation>サインインのどこで</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <location filename="../../wizard/report/markdown.py"/>
        <source>The error message you saw</source>
        <translation>表示されたエラーメッセージ</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <location filename="../../wizard/report/markdown.py"/>
        <source>Written</source>
        <translation>作成日時</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Checked at</source>
        <translation>チェック日時</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Took</source>
        <translation>所要時間</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Sign-in server</source>
        <translation>サインインサーバー</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Sign-in return ports</source>
        <translation>サインインの戻り先ポート</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>Tool</source>
        <translation>ツール</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>System</source>
        <translation>システム</translation>
    </message>
    <message>
        <location filename="../../wizard/report/html.py"/>
        <source>More data</source>
        <translation>その他のデータ</translation>
    </message>
    <message>
        <location filename="../../wizard/report/markdown.py"/>
        <source>Sign-in Doctor case {case_id}</source>
        <translation>Sign-in Doctor ケース {case_id}</translation>
    </message>
    <message>
        <location filename="../../wizard/report/markdown.py"/>
        <source>Verdict:</source>
        <translation>診断結果:</translation>
    </message>
    <message>
        <location filename="../../wizard/report/markdown.py"/>
        <source>Next action:</source>
        <translation>次にすること:</translation>
    </message>
    <message>
        <location filename="../../wizard/report/markdown.py"/>
        <source>step {n} of 5, {label}</source>
        <translation>全 5 手順中の手順 {n}、{label}</translation>
    </message>
    <message>
        <location filename="../../wizard/report/markdown.py"/>
        <source>Where:</source>
        <translation>場所:</translation>
    </message>
    <message>
        <location filename="../../wizard/report/markdown.py"/>
        <source>What Sign-in Doctor can do:</source>
        <translation>Sign-in Doctor にできること:</translation>
    </message>
    <message>
        <location filename="../../wizard/report/markdown.py"/>
        <source>Also found:</source>
        <translation>ほかに見つかった問題:</translation>
    </message>
    <message>
        <location filename="../../wizard/report/markdown.py"/>
        <source>Checks</source>
        <translation>チェック</translation>
    </message>
    <message>
        <location filename="../../wizard/report/markdown.py"/>
        <source>Sign-in steps</source>
        <translation>サインインの手順</translation>
    </message>
    <message>
        <location filename="../../wizard/report/markdown.py"/>
        <source>{name} {version}, {os}, Python {python}</source>
        <translation>{name} {version}、{os}、Python {python}</translation>
    </message>
    <message>
        <location filename="../../wizard/report/markdown.py"/>
        <source>Checked at: {started}, took {duration}</source>
        <translation>チェック日時: {started}、所要時間 {duration}</translation>
    </message>
    <message>
        <location filename="../../wizard/report/markdown.py"/>
        <source>Sign-in server: {url}, return ports {ports}</source>
        <translation>サインインサーバー: {url}、戻り先ポート {ports}</translation>
    </message>
    <message>
        <location filename="../../wizard/report/markdown.py"/>
        <source>Tool: {tool}</source>
        <translation>ツール: {tool}</translation>
    </message>
    <message>
        <location filename="../../wizard/report/markdown.py"/>
        <source>Details</source>
        <translation>詳細</translation>
    </message>
    <message>
        <location filename="../../wizard/report/markdown.py"/>
        <source>Sign-in tokens, codes, keys, passwords, e-mail addresses and the user name were removed before this file was written.</source>
        <translation>このファイルを書き出す前に、サインインのトークン、コード、キー、パスワード、メールアドレス、ユーザー名を取り除きました。</translation>
    </message>
    <message>
        <location filename="../../wizard/report/timeline.py"/>
        <source>What happened in this case</source>
        <translation>このケースで行ったこと</translation>
    </message>
    <message>
        <location filename="../../wizard/report/timeline.py"/>
        <source>Checked again: {title}</source>
        <translation>再チェック: {title}</translation>
    </message>
    <message>
        <location filename="../../wizard/report/timeline.py"/>
        <source>First check: {title}</source>
        <translation>最初のチェック: {title}</translation>
    </message>
    <message>
        <location filename="../../wizard/report/timeline.py"/>
        <source>changed {files}</source>
        <translation>{files} を変更</translation>
    </message>
    <message>
        <location filename="../../wizard/report/timeline.py"/>
        <source>set {names}</source>
        <translation>{names} を設定</translation>
    </message>
    <message>
        <location filename="../../wizard/report/timeline.py"/>
        <source>removed {names}</source>
        <translation>{names} を削除</translation>
    </message>
    <message>
        <location filename="../../wizard/report/timeline.py"/>
        <source>nothing to change on disk</source>
        <translation>ディスク上の変更なし</translation>
    </message>
    <message>
        <location filename="../../wizard/report/timeline.py"/>
        <source>Fix undone: {fix} ({changes})</source>
        <translation>修正を元に戻しました: {fix}（{changes}）</translation>
    </message>
    <message>
        <location filename="../../wizard/report/timeline.py"/>
        <source>Fix applied: {fix} ({changes})</source>
        <translation>修正を適用しました: {fix}（{changes}）</translation>
    </message>
    <message>
        <location filename="../../wizard/report/trust_table.py"/>
        <source>Who trusts the connection to the sign-in server</source>
        <translation>サインインサーバーへの接続を信頼しているもの</translation>
    </message>
    <message>
        <location filename="../../wizard/report/trust_table.py"/>
        <source>Certificates</source>
        <translation>証明書</translation>
    </message>
    <message>
        <location filename="../../wizard/report/trust_table.py"/>
        <source>Trusted?</source>
        <translation>信頼する？</translation>
    </message>
    <message>
        <location filename="../../wizard/report/trust_table.py"/>
        <source>Why not</source>
        <translation>信頼しない理由</translation>
    </message>
    <message>
        <location filename="../../wizard/report/trust_table.py"/>
        <source>Yes</source>
        <translation>はい</translation>
    </message>
    <message>
        <location filename="../../wizard/report/trust_table.py"/>
        <source>No</source>
        <translation>いいえ</translation>
    </message>
    <message>
        <source>You sign in with your browser</source>
        <translation type="vanished">ブラウザーでサインインする</translation>
    </message>
    <message>
        <source>The browser returns to this computer</source>
        <translation type="vanished">ブラウザーがこのコンピューターに戻る</translation>
    </message>
    <message>
        <source>Codex receives the return</source>
        <translation type="vanished">Codex が戻りを受け取る</translation>
    </message>
    <message>
        <source>Codex finishes sign-in with OpenAI</source>
        <translation type="vanished">Codex が OpenAI とサインインを完了する</translation>
    </message>
    <message>
        <source>Codex saves the sign-in</source>
        <translation type="vanished">Codex がサインインを保存する</translation>
    </message>
    <message>
        <source>Problem here</source>
        <translation type="vanished">ここに問題</translation>
    </message>
    <message>
        <source>Works</source>
        <translation type="vanished">正常</translation>
    </message>
    <message>
        <source>Not checked</source>
        <translation type="vanished">未確認</translation>
    </message>
</context>
<context>
    <name>respect_system_proxy</name>
    <message>
        <location filename="../../wizard/fixes/respect_system_proxy.py"/>
        <source>Let Codex use this computer&apos;s proxy settings</source>
        <translation>Codex がこのコンピューターのプロキシ設定を使うようにする</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/respect_system_proxy.py"/>
        <source>Turns on respect_system_proxy in Codex&apos;s config.toml, so Codex follows the system&apos;s proxy settings (a proxy script included) the way the browser does.</source>
        <translation>Codex の config.toml で respect_system_proxy をオンにし、Codex がブラウザーと同じようにシステムのプロキシ設定（プロキシスクリプトを含む）に従うようにします。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/respect_system_proxy.py"/>
        <source>On Linux Codex has no system proxy settings to follow (it reads only the proxy variables), so this would change nothing.</source>
        <translation>Linux では Codex が従うシステムのプロキシ設定がない（プロキシの環境変数だけを読む）ため、これを変えても何も変わりません。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/respect_system_proxy.py"/>
        <source>it is too large</source>
        <translation>大きすぎます</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/respect_system_proxy.py"/>
        <source>Codex&apos;s settings file {file} was not changed: {problem}.</source>
        <translation>Codex の設定ファイル {file} は変更されませんでした: {problem}。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/respect_system_proxy.py"/>
        <source>Codex already follows the system&apos;s proxy settings.</source>
        <translation>Codex はすでにシステムのプロキシ設定に従っています。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/respect_system_proxy.py"/>
        <source>Sets {key} = true under [{table}] in {file}, so Codex asks this computer&apos;s proxy settings first (a proxy script included), the way your browser does. Everything else in the file stays as it is; Undo puts the original back.</source>
        <translation>{file} の [{table}] に {key} = true を設定し、Codex がブラウザーと同じように、まずこのコンピューターのプロキシ設定（プロキシスクリプトを含む）を使うようにします。ファイルのほかの部分はそのままです。「元に戻す」で元のファイルに戻せます。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/respect_system_proxy.py"/>
        <source>Your computer uses a proxy script, which Sign-in Doctor cannot run, so only signing in again shows that Codex gets through.</source>
        <translation>このコンピューターはプロキシスクリプトを使っていますが、Sign-in Doctor はそれを実行できません。そのため、Codex が接続できるかどうかは、もう一度サインインしてみないとわかりません。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/respect_system_proxy.py"/>
        <source>Apply lets Codex use this computer&apos;s proxy settings, like your browser (a copy of Codex&apos;s settings is kept for Undo).</source>
        <translation>「適用」を押すと、Codex がブラウザーと同じようにこのコンピューターのプロキシ設定を使うようになります（元に戻せるよう Codex の設定のコピーを残します）。</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/respect_system_proxy.py"/>
        <source>Quit Codex completely (the app, the editor or the terminal you sign in from) and start it again, then sign in.</source>
        <translation>Codex（サインインに使うアプリ、エディター、またはターミナル）を完全に終了してから起動し直し、サインインしてください。</translation>
    </message>
</context>
<context>
    <name>route</name>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Windows Internet Options</source>
        <translation>Windows のインターネット オプション</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Windows Internet Options (automatic configuration script)</source>
        <translation>Windows のインターネット オプション（自動構成スクリプト）</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Windows WinHTTP proxy (netsh)</source>
        <translation>Windows の WinHTTP プロキシ（netsh）</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>macOS network settings</source>
        <translation>macOS のネットワーク設定</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>macOS network settings (automatic proxy configuration)</source>
        <translation>macOS のネットワーク設定（プロキシの自動構成）</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Codex&apos;s HTTP client reads this Windows setting when no proxy variable is set (not confirmed by OpenAI for Windows).</source>
        <translation>プロキシの環境変数が設定されていない場合、Codex の HTTP クライアントはこの Windows の設定を読み込みます（Windows については OpenAI による確認はされていません）。</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Codex does not read this setting&apos;s exceptions (its bypass list) unless respect_system_proxy is on; a browser does.</source>
        <translation>Codex は respect_system_proxy がオンでない限り、この設定の例外（プロキシを使わないアドレスの一覧）を読みません。ブラウザーは読みます。</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Used by the editor itself; Codex launched by the extension does not necessarily use it (openai/codex#11998).</source>
        <translation>エディター自身が使う設定です。拡張機能から起動された Codex が使うとは限りません（openai/codex#11998）。</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>directly</source>
        <translation>直接</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>through the proxy script {url} ({source})</source>
        <translation>プロキシスクリプト {url}（{source}）経由で</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>through the proxy {proxy} ({source})</source>
        <translation>プロキシ {proxy}（{source}）経由で</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>{source} exceptions</source>
        <translation>{source} の例外</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>{entry} in {where}</source>
        <translation>{where} の {entry}</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Only used for http:// addresses; the sign-in server is https://.</source>
        <translation>http:// のアドレスにだけ使われます。サインインサーバーは https:// です。</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Not used: {dotenv} sets it too, and Codex loads that file over this computer&apos;s own variables.</source>
        <translation>使われません: {dotenv} でも設定されており、Codex はこのコンピューター自体の環境変数よりもそのファイルの設定を優先して読み込みます。</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Ignored by Codex: it does not read &apos;{scheme}://&apos; proxy addresses, so it acts as if this were not set.</source>
        <translation>Codex はこの設定を無視します。「{scheme}://」形式のプロキシアドレスは読み取らないため、設定されていないものとして動作します。</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Not used: {first} is also set (empty), and Codex reads only that one.</source>
        <translation>使われません: {first} も（空の値で）設定されており、Codex はそちらだけを読み取ります。</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Not used: {first} is also set, and Codex reads only that one.</source>
        <translation>使われません: {first} も設定されており、Codex はそちらだけを読み取ります。</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Not used for the sign-in server: it is exempt ({exempt}).</source>
        <translation>サインインサーバーには使われません: 対象外になっています（{exempt}）。</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Not used: {first} comes first.</source>
        <translation>使われません: {first} が優先されます。</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Codex asks this script which proxy to use (respect_system_proxy = true). Sign-in Doctor cannot run the script, so the route tested may differ.</source>
        <translation>Codex はどのプロキシを使うかをこのスクリプトに問い合わせます（respect_system_proxy = true）。Sign-in Doctor はスクリプトを実行できないため、確認した経路と実際の経路が異なる場合があります。</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Not used by Codex: a proxy script is only followed with [features] respect_system_proxy = true in config.toml.</source>
        <translation>Codex は使いません: プロキシスクリプトは config.toml で [features] respect_system_proxy = true のときだけ使われます。</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>The machine-wide WinHTTP proxy is used by Windows services, not by Codex.</source>
        <translation>コンピューター全体の WinHTTP プロキシは Windows のサービスが使うもので、Codex は使いません。</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Bypass list: {bypass}.</source>
        <translation>除外リスト: {bypass}。</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>The per-protocol form is read for its https entry.</source>
        <translation>プロトコルごとの形式なので、https の項目を読み取ります。</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Names no proxy for https:// addresses, so Codex does not use it.</source>
        <translation>https:// のアドレス用のプロキシが指定されていないため、Codex は使いません。</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Switched off (&quot;Use a proxy server&quot; is unticked).</source>
        <translation>オフになっています（「プロキシ サーバーを使う」のチェックが外れています）。</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>macOS network settings (secure web proxy)</source>
        <translation>macOS のネットワーク設定（保護された Web プロキシ）</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Codex&apos;s HTTP client reads the macOS proxy when no proxy variable is set.</source>
        <translation>プロキシの環境変数が設定されていない場合、Codex の HTTP クライアントは macOS のプロキシ設定を読み込みます。</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>The web proxy (HTTP) is only used for http:// addresses; the sign-in server is https://.</source>
        <translation>Web プロキシ（HTTP）は http:// のアドレスにだけ使われます。サインインサーバーは https:// です。</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>macOS network settings (web proxy)</source>
        <translation>macOS のネットワーク設定（Web プロキシ）</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Codex does not use a SOCKS proxy from the system settings.</source>
        <translation>Codex はシステム設定の SOCKS プロキシを使いません。</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>macOS network settings (SOCKS proxy)</source>
        <translation>macOS のネットワーク設定（SOCKS プロキシ）</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>{path} could not be read ({error}); proxy options in it were ignored.</source>
        <translation>{path} を読み込めませんでした（{error}）。その中のプロキシ設定は無視しました。</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>{path} sets respect_system_proxies (plural), which Codex ignores; the option is respect_system_proxy.</source>
        <translation>{path} では respect_system_proxies（複数形）が設定されていますが、Codex はこれを無視します。正しい名前は respect_system_proxy です。</translation>
    </message>
    <message>
        <location filename="../../wizard/net/route.py"/>
        <source>Its http.noProxy: {entries}.</source>
        <translation>http.noProxy の値: {entries}。</translation>
    </message>
</context>
<context>
    <name>routes</name>
    <message>
        <location filename="../../wizard/checks/other_routes.py"/>
        <source>Not needed: Codex&apos;s own way to the sign-in server works.</source>
        <translation>確認は不要です: Codex 自身の経路でサインインサーバーに接続できています。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/other_routes.py"/>
        <source>Codex follows the proxy script too (respect_system_proxy = true), and Sign-in Doctor cannot run it, so Codex&apos;s way could not be tried here.</source>
        <translation>Codex もプロキシスクリプトに従います（respect_system_proxy = true）。Sign-in Doctor はスクリプトを実行できないため、Codex の経路はここでは試せませんでした。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/other_routes.py"/>
        <source>No other way to the sign-in server is set up on this computer.</source>
        <translation>このコンピューターには、サインインサーバーへのほかの経路が設定されていません。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/other_routes.py"/>
        <source>Codex&apos;s own way fails, but the sign-in server answers {way}.</source>
        <translation>Codex 自身の経路では失敗しますが、{way}接続するとサインインサーバーは応答します。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/other_routes.py"/>
        <source>No other way reaches the sign-in server either.</source>
        <translation>ほかの経路でもサインインサーバーに届きません。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/other_routes.py"/>
        <source>Sign-in Doctor cannot run a proxy script, so that way was not tried: if your browser opens OpenAI&apos;s sign-in page, it works.</source>
        <translation>Sign-in Doctor はプロキシスクリプトを実行できないため、その経路は試していません。ブラウザーで OpenAI のサインインページが開くなら、その経路は使えます。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/other_routes.py"/>
        <source>That way, the sign-in server answers.</source>
        <translation>その経路では、サインインサーバーが応答します。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/other_routes.py"/>
        <source>respect_system_proxy is on, but Codex does not reach the sign-in server the system&apos;s way.</source>
        <translation>respect_system_proxy はオンですが、Codex はシステムの経路でサインインサーバーに届いていません。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/other_routes.py"/>
        <source>Codex follows the system&apos;s way only with respect_system_proxy = true under [features] in its config.toml (off by default, also in Codex 0.169.0). Codex 0.169.0 also retries a sign-in request that could not connect once through the system&apos;s settings (system_proxy_fallback, on by default); the option makes every request go that way.</source>
        <translation>Codex がシステムの経路に従うのは、config.toml の [features] に respect_system_proxy = true があるときだけです（既定ではオフで、Codex 0.169.0 でも同じです）。Codex 0.169.0 は、接続できなかったサインインのリクエストを一度だけシステムの設定で再試行します（system_proxy_fallback、既定でオン）。このオプションを使うと、すべてのリクエストがその経路を通ります。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/other_routes.py"/>
        <source>This computer&apos;s proxy settings go {browser}, but Codex goes {codex}, and that fails.</source>
        <translation>このコンピューターのプロキシ設定では{browser}接続しますが、Codex は{codex}接続し、それが失敗します。</translation>
    </message>
</context>
<context>
    <name>rules</name>
    <message>
        <location filename="../../wizard/checks/os_trust.py"/>
        <location filename="../../wizard/checks/wsl_network.py"/>
        <location filename="../../wizard/core/rules.py"/>
        <source>unknown</source>
        <translation>不明</translation>
    </message>
    <message>
        <location filename="../../wizard/core/rules.py"/>
        <source>{title}: {summary}</source>
        <translation>{title}: {summary}</translation>
    </message>
    <message>
        <location filename="../../wizard/core/rules.py"/>
        <source>no check ran.</source>
        <translation>実行されたチェックはありません。</translation>
    </message>
    <message>
        <location filename="../../wizard/core/rules.py"/>
        <source>The sign-in port was not checked.</source>
        <translation>サインイン用のポートは確認していません。</translation>
    </message>
    <message>
        <location filename="../../wizard/core/rules.py"/>
        <source>This tool&apos;s own test found a problem ({findings}), but your own Codex got through to the sign-in server, so that is not what stops it.</source>
        <translation>このツール自身のテストでは問題（{findings}）が見つかりましたが、お使いの Codex はサインイン サーバーまで届いたので、それがサインインを止めている原因ではありません。</translation>
    </message>
</context>
<context>
    <name>status</name>
    <message>
        <location filename="../../wizard/checks/status.py"/>
        <source>Only checked for OpenAI&apos;s own sign-in server.</source>
        <translation>OpenAI 自身のサインインサーバーの場合だけ確認します。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/status.py"/>
        <source>the status page</source>
        <translation>ステータスページ</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/status.py"/>
        <source>Could not reach {host} (that alone is not a problem).</source>
        <translation>{host} に接続できませんでした（これだけでは問題ではありません）。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/status.py"/>
        <source>OpenAI reports no problems right now.</source>
        <translation>OpenAI は現在、障害を報告していません。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/status.py"/>
        <source>OpenAI reports a minor problem: {description}.</source>
        <translation>OpenAI が軽微な障害を報告しています: {description}。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/status.py"/>
        <source>OpenAI reports a problem right now: {description}.</source>
        <translation>OpenAI が現在、障害を報告しています: {description}。</translation>
    </message>
</context>
<context>
    <name>steps</name>
    <message>
        <location filename="../../wizard/core/steps.py"/>
        <source>Sign-in page in your browser</source>
        <translation>ブラウザーのサインイン画面</translation>
    </message>
    <message>
        <location filename="../../wizard/core/steps.py"/>
        <source>Browser returns to this computer</source>
        <translation>ブラウザーがこのコンピューターに戻る</translation>
    </message>
    <message>
        <location filename="../../wizard/core/steps.py"/>
        <source>Codex receives the return</source>
        <translation>Codex が戻りを受け取る</translation>
    </message>
    <message>
        <location filename="../../wizard/core/steps.py"/>
        <source>Codex completes sign-in with OpenAI</source>
        <translation>Codex が OpenAI とサインインを完了</translation>
    </message>
    <message>
        <location filename="../../wizard/core/steps.py"/>
        <source>Sign-in is saved</source>
        <translation>サインインを保存</translation>
    </message>
    <message>
        <location filename="../../wizard/core/steps.py"/>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../../wizard/core/steps.py"/>
        <source>Ready</source>
        <translation>準備よし</translation>
    </message>
    <message>
        <location filename="../../wizard/core/steps.py"/>
        <source>Needs a look</source>
        <translation>要確認</translation>
    </message>
    <message>
        <location filename="../../wizard/core/steps.py"/>
        <source>Problem here</source>
        <translation>ここに問題</translation>
    </message>
    <message>
        <location filename="../../wizard/core/steps.py"/>
        <source>Not tested</source>
        <translation>未確認</translation>
    </message>
</context>
<context>
    <name>store</name>
    <message>
        <location filename="../../wizard/checks/store.py"/>
        <source>Codex can save the sign-in in {path} (a test file was written and removed there).</source>
        <translation>Codex は {path} にサインイン情報を保存できます（そこにテスト用のファイルを書き込んで削除しました）。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/store.py"/>
        <source>Codex cannot save the sign-in in {path}: {error}.</source>
        <translation>Codex は {path} にサインイン情報を保存できません：{error}。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/store.py"/>
        <source>The system keyring ({backend}) is not there, so Codex uses the file instead.</source>
        <translation>システムのキーリング（{backend}）がないため、Codex は代わりにファイルを使います。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/store.py"/>
        <source>Codex saves the sign-in in the system keyring ({backend}), which is there and unlocked.</source>
        <translation>Codex はサインイン情報をシステムのキーリング（{backend}）に保存します。キーリングは存在し、ロックも解除されています。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/store.py"/>
        <source>Codex saves the sign-in in the system keyring ({backend}); this tool does not ask it, since asking can open a password prompt.</source>
        <translation>Codex はサインイン情報をシステムのキーリング（{backend}）に保存します。問い合わせるとパスワードの入力画面が開くことがあるため、このツールは問い合わせません。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/store.py"/>
        <source>The system keyring ({backend}) is locked, so Codex may wait for it to be unlocked when it saves the sign-in.</source>
        <translation>システムのキーリング（{backend}）がロックされているため、Codex はサインイン情報を保存するときにロック解除を待ち続けることがあります。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/store.py"/>
        <source>The system keyring ({backend}) does not answer, so Codex can hang when it saves the sign-in.</source>
        <translation>システムのキーリング（{backend}）が応答しないため、Codex はサインイン情報を保存するときに止まることがあります。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/store.py"/>
        <source>Codex is set to save the sign-in only in the system keyring ({backend}), but there is none to use here.</source>
        <translation>Codex はサインイン情報をシステムのキーリング（{backend}）にだけ保存する設定ですが、ここでは使えるキーリングがありません。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/store.py"/>
        <source>The system keyring ({backend}) gave an answer this tool does not understand: {detail}</source>
        <translation>システムのキーリング（{backend}）から、このツールが理解できない応答がありました：{detail}</translation>
    </message>
</context>
<context>
    <name>tls</name>
    <message>
        <location filename="../../wizard/checks/tls.py"/>
        <source>Not tested: the connection to the sign-in server failed first.</source>
        <translation>未確認: 先にサインインサーバーへの接続が失敗しました。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/tls.py"/>
        <source>{host} presented no certificate.</source>
        <translation>{host} は証明書を提示しませんでした。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/tls.py"/>
        <source>{label}: trusted</source>
        <translation>{label}: 信頼する</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/tls.py"/>
        <source>{label}: NOT trusted</source>
        <translation>{label}: 信頼しない</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/tls.py"/>
        <source>The connection to {host} is trusted by Codex, but its certificates have flaws that stricter programs reject ({count} found).</source>
        <translation>{host} への接続は Codex に信頼されていますが、その証明書には、より厳しいプログラムが拒否する欠陥があります（{count} 件）。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/tls.py"/>
        <source>The connection to {host} is secure and trusted by Codex.</source>
        <translation>{host} への接続は安全で、Codex に信頼されています。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/tls.py"/>
        <source>The certificate of {host} is not valid at this computer&apos;s date ({date}); check the clock.</source>
        <translation>{host} の証明書は、このコンピューターの日付（{date}）では有効ではありません。時計を確認してください。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/tls.py"/>
        <source>{variable} ({path}) replaces this computer&apos;s certificate store for Codex, and it does not trust {host}; this computer&apos;s store would.</source>
        <translation>{variable}（{path}）が Codex にとってのこのコンピューターの証明書ストアを置き換えており、{host} を信頼していません。このコンピューターの証明書ストアなら信頼します。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/tls.py"/>
        <source>{issuer}, a {vendor} product</source>
        <translation>{issuer}（{vendor} の製品）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/tls.py"/>
        <source>Codex does not trust the certificate {host} presents, issued by {who}.</source>
        <translation>Codex は、{host} が提示した {who} 発行の証明書を信頼しません。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/tls.py"/>
        <source>({label} trusts it.)</source>
        <translation>（{label}は信頼します。）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/tls.py"/>
        <source>Codex rejects the certificate {host} presents: {problem}</source>
        <translation>Codex は {host} が提示した証明書を拒否します: {problem}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/tls.py"/>
        <source>The secure connection to {host} does not complete: {detail}.</source>
        <translation>{host} との安全な接続が完了しません: {detail}。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/tls.py"/>
        <source>Not tested: {detail} (see Proxy settings).</source>
        <translation>未確認: {detail}（「プロキシの設定」を参照）。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/tls.py"/>
        <source>Could not connect to {host} again to check the secure connection ({detail}).</source>
        <translation>安全な接続を確認するために {host} へもう一度接続できませんでした（{detail}）。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/tls.py"/>
        <source>The secure connection to {host} failed: {detail}.</source>
        <translation>{host} との安全な接続に失敗しました: {detail}。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/tls.py"/>
        <source>{origin} (this computer&apos;s own check could not be asked: {problem})</source>
        <translation>{origin}（このコンピューター自身の確認は行えませんでした: {problem}）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/tls.py"/>
        <source>no certificate in this set vouches for the chain (unknown issuer)</source>
        <translation>この中に証明書チェーンを保証する証明書がありません（不明な発行者）</translation>
    </message>
    <message>
        <source>The certificate of {host} is not valid at this computer&apos;s date ({date} UTC); check the clock.</source>
        <translation type="vanished">{host} の証明書は、このコンピューターの日付（{date} UTC）では有効ではありません。時計を確認してください。</translation>
    </message>
</context>
<context>
    <name>toml_edit</name>
    <message>
        <location filename="../../wizard/fixes/toml_edit.py"/>
        <source>it sets {table} in a form this fix does not edit; add {line} under [{table}] yourself</source>
        <translation>{table} がこの修正では編集しない形で書かれています。[{table}] の下に {line} を自分で追加してください</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/toml_edit.py"/>
        <source>the change could not be made without touching other settings</source>
        <translation>ほかの設定に触れずに変更することができませんでした</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/toml_edit.py"/>
        <source>it is not UTF-8 text</source>
        <translation>UTF-8 のテキストではありません</translation>
    </message>
    <message>
        <location filename="../../wizard/fixes/toml_edit.py"/>
        <source>it cannot be read as TOML ({error})</source>
        <translation>TOML として読めません（{error}）</translation>
    </message>
</context>
<context>
    <name>trust</name>
    <message>
        <location filename="../../wizard/net/trust.py"/>
        <source>it cannot be read</source>
        <translation>読み込めません</translation>
    </message>
    <message>
        <location filename="../../wizard/net/trust.py"/>
        <source>it holds no PEM certificate</source>
        <translation>PEM 形式の証明書が入っていません</translation>
    </message>
    <message>
        <location filename="../../wizard/net/trust.py"/>
        <source>the file does not exist</source>
        <translation>ファイルが存在しません</translation>
    </message>
    <message>
        <location filename="../../wizard/net/trust.py"/>
        <source>it is a folder, not a file</source>
        <translation>ファイルではなくフォルダーです</translation>
    </message>
    <message>
        <location filename="../../wizard/net/trust.py"/>
        <source>the folder does not exist</source>
        <translation>フォルダーが存在しません</translation>
    </message>
    <message>
        <location filename="../../wizard/net/trust.py"/>
        <source>it is a file, not a folder</source>
        <translation>フォルダーではなくファイルです</translation>
    </message>
    <message>
        <location filename="../../wizard/net/trust.py"/>
        <source>This computer&apos;s certificate store</source>
        <translation>このコンピューターの証明書ストア</translation>
    </message>
    <message>
        <location filename="../../wizard/net/trust.py"/>
        <source>Public roots (certifi, used by Python tools)</source>
        <translation>公開のルート証明書（certifi、Python のツールが使用）</translation>
    </message>
    <message>
        <location filename="../../wizard/net/trust.py"/>
        <source>{name} in {dotenv} ({path})</source>
        <translation>{dotenv} の {name}（{path}）</translation>
    </message>
    <message>
        <location filename="../../wizard/net/trust.py"/>
        <source>{files} instead of the OS store</source>
        <translation>OS の証明書ストアの代わりに {files}</translation>
    </message>
    <message>
        <location filename="../../wizard/net/trust.py"/>
        <source>the OS store ({origin})</source>
        <translation>OS の証明書ストア（{origin}）</translation>
    </message>
    <message>
        <location filename="../../wizard/net/trust.py"/>
        <source>plus {file}</source>
        <translation>＋ {file}</translation>
    </message>
    <message>
        <location filename="../../wizard/net/trust.py"/>
        <source>What Codex trusts with your settings</source>
        <translation>今の設定で Codex が信頼するもの</translation>
    </message>
    <message>
        <location filename="../../wizard/net/trust.py"/>
        <source>the server presented no certificate</source>
        <translation>サーバーが証明書を提示しませんでした</translation>
    </message>
    <message>
        <location filename="../../wizard/net/trust.py"/>
        <source>no certificates to trust</source>
        <translation>信頼する証明書がありません</translation>
    </message>
</context>
<context>
    <name>ui_guidance</name>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Your editor (VS Code, Cursor, Windsurf …)</source>
        <translation>お使いのエディター（VS Code、Cursor、Windsurf など）</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>{editors} runs Codex inside WSL (Linux on Windows). Turning that off makes Codex receive the browser&apos;s return on Windows, where the browser sends it.</source>
        <translation>{editors} が Codex を WSL（Windows 上の Linux）の中で動かしています。これをオフにすると、Codex はブラウザーが戻りを送る先である Windows 側で、戻りを受け取れるようになります。</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>In the editor, open Settings (File &gt; Preferences &gt; Settings, or Ctrl+,).</source>
        <translation>エディターで設定を開きます（「ファイル &gt; ユーザー設定 &gt; 設定」、または Ctrl+,）。</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Type codex in the search box.</source>
        <translation>検索ボックスに codex と入力します。</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Find &apos;Chatgpt: Run Codex In Windows Subsystem For Linux&apos; and turn it off (its setting id is under Details).</source>
        <translation>「Chatgpt: Run Codex In Windows Subsystem For Linux」を見つけてオフにします（設定 ID は「詳細」の中にあります）。</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>The editor reloads. Then sign in to Codex again.</source>
        <translation>エディターが再読み込みされます。そのあと、もう一度 Codex にサインインしてください。</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>your organisation&apos;s security program</source>
        <translation>組織のセキュリティソフト</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>The connection is re-signed by {issuer}. Codex signs in once it trusts that certificate too.</source>
        <translation>接続は {issuer} によって署名し直されています。Codex がその証明書も信頼すれば、サインインできます。</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Ask IT for the root certificate of {issuer} as a PEM file (a text file that starts with -----BEGIN CERTIFICATE-----).</source>
        <translation>{issuer} のルート証明書を PEM ファイル（-----BEGIN CERTIFICATE----- で始まるテキストファイル）でもらうよう IT 担当者に依頼してください。</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Save it somewhere permanent, then choose it with the button above.</source>
        <translation>消えない場所に保存し、上のボタンで選んでください。</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Quit and restart the editor or terminal completely (it reads this setting only when it starts), then sign in again.</source>
        <translation>エディターまたはターミナルを完全に終了して起動し直してから（この設定は起動時にしか読み込まれません）、もう一度サインインしてください。</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Open the Start menu, type &apos;environment&apos; and choose &apos;Edit environment variables for your account&apos;.</source>
        <translation>スタートメニューを開いて「環境変数」と入力し、「環境変数を編集」（アカウントの環境変数）を選びます。</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Select {name}, then click Delete (or Edit to correct it) and OK.</source>
        <translation>{name} を選び、「削除」（直す場合は「編集」）をクリックしてから「OK」をクリックします。</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Restart the editor or terminal, then sign in again.</source>
        <translation>エディターまたはターミナルを再起動してから、もう一度サインインしてください。</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Find the line that sets {name} in your shell profile (~/.profile, ~/.bashrc or ~/.zshrc) and remove or correct it.</source>
        <translation>シェルの設定ファイル（~/.profile、~/.bashrc、~/.zshrc）で {name} を設定している行を見つけ、削除するか修正します。</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Open a new terminal (or restart the editor), then sign in again.</source>
        <translation>新しいターミナルを開いてから（またはエディターを再起動してから）、もう一度サインインしてください。</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Remove the broken setting {name}</source>
        <translation>壊れた設定 {name} を削除する</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>{name} points at a file that cannot be used, so Codex fails at the token exchange, after the browser step.</source>
        <translation>{name} が使えないファイルを指しているため、ブラウザーでの手順の後、トークン交換で Codex が失敗します。</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Remove or correct the proxy setting</source>
        <translation>プロキシの設定を削除または修正する</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Codex is told to use the proxy {proxy} ({source}). Remove that setting if you do not need a proxy, or ask IT for the right address.</source>
        <translation>Codex はプロキシ {proxy}（{source}）を使うよう設定されています。プロキシが不要ならその設定を削除し、必要なら正しいアドレスを IT 担当者に確認してください。</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Port {port} is held by {holder}. Codex needs it to receive the browser&apos;s return.</source>
        <translation>ポート {port} は {holder} が使っています。Codex はブラウザーからの戻りを受け取るためにこのポートを必要とします。</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Codex needs port {ports} to receive the browser&apos;s return, but {holders}.</source>
        <translation>Codex はブラウザーからの戻りを受け取るためにポート {ports} を必要としますが、{holders}。</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Codex needs port {port} to receive the browser&apos;s return; if another program holds it, sign-in fails.</source>
        <translation>Codex はブラウザーからの戻りを受け取るためにポート {port} を必要とします。別のプログラムが使っていると、サインインに失敗します。</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Free port {port}</source>
        <translation>ポート {port} を空ける</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Close other editor windows and Codex apps, then sign in again.</source>
        <translation>ほかのエディターのウィンドウや Codex アプリを閉じてから、もう一度サインインしてください。</translation>
    </message>
    <message>
        <location filename="../../wizard/app/guidance.py"/>
        <source>Still busy? The command under Details shows which program holds the port; close that program (or restart the computer).</source>
        <translation>まだ使われている場合は、「詳細」の中のコマンドでポートを使っているプログラムがわかります。そのプログラムを閉じてください（またはコンピューターを再起動します）。</translation>
    </message>
    <message>
        <source>Find &apos;Chatgpt: Run Codex In Windows Subsystem For Linux&apos; and turn it off (its setting id is below).</source>
        <translation type="vanished">「Chatgpt: Run Codex In Windows Subsystem For Linux」を見つけてオフにします（設定の ID は下にあります）。</translation>
    </message>
    <message>
        <source>Save it somewhere permanent and put its path in the command below, then run it.</source>
        <translation type="vanished">それを消えない場所に保存し、そのパスを下のコマンドに入れて実行します。</translation>
    </message>
    <message>
        <source>Still busy? The command below shows which program holds the port; close that program (or restart the computer).</source>
        <translation type="vanished">まだ使用中の場合は、下のコマンドでポートを使っているプログラムがわかります。そのプログラムを閉じてください（またはコンピューターを再起動してください）。</translation>
    </message>
    <message>
        <source>{name} points at a file that cannot be used, so Codex stops before it signs in.</source>
        <translation type="vanished">{name} が使えないファイルを指しているため、Codex はサインインの前に止まります。</translation>
    </message>
</context>
<context>
    <name>watch</name>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>a program this account cannot see</source>
        <translation>このアカウントからは見えないプログラム</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>Watching ports {ports} and Codex&apos;s logs for {seconds:g} s: sign in now.</source>
        <translation>ポート {ports} と Codex のログを {seconds:g} 秒間見守ります。今サインインしてください。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>Reading Codex&apos;s sign-in log {path} (the CODEX_HOME the checks used).</source>
        <translation>Codex のサインインログ {path} を読んでいます（チェックで使った CODEX_HOME）。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source> on {address}</source>
        <translation>（{address}）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source> ({tool}, an account switcher or local proxy tool)</source>
        <translation>（{tool}: アカウント切り替えツールまたはローカルのプロキシツール）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>port {port}: {holder} was already listening{where}{what}</source>
        <translation>ポート {port}: {holder} がすでに待ち受けていました{where}{what}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>port {port}: {holder} started listening{where}{what}</source>
        <translation>ポート {port}: {holder} が待ち受けを始めました{where}{what}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>port {port}: {holder} stopped listening</source>
        <translation>ポート {port}: {holder} が待ち受けをやめました</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>a browser or other program</source>
        <translation>ブラウザーまたはほかのプログラム</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>port {port}: a connection from {client} was received by {who}</source>
        <translation>ポート {port}: {client} からの接続を {who} が受け取りました</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>{source} problem: {meaning} ({line})</source>
        <translation>{source} の問題: {meaning}（{line}）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>{source} note: {meaning} ({line})</source>
        <translation>{source} のメモ: {meaning}（{line}）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>{listeners} is listening. Waiting for the browser&apos;s return…</source>
        <translation>{listeners} が待ち受けています。ブラウザーからの戻りを待っています…</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>Nothing is listening yet. Start the sign-in in Codex now.</source>
        <translation>まだ何も待ち受けていません。Codex でサインインを始めてください。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>The browser&apos;s return on port {port} was received by {who}, not by Codex.</source>
        <translation>ポート {port} へのブラウザーからの戻りを受け取ったのは Codex ではなく {who} でした。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>That is {tool}, an account switcher or local proxy tool: quit it, then sign in again.</source>
        <translation>これは {tool} というアカウント切り替えツールまたはローカルのプロキシツールです。終了してから、もう一度サインインしてください。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>The browser&apos;s return on port {port} reached Codex ({receiver}), but the sign-in then failed: {failure}</source>
        <translation>ポート {port} へのブラウザーからの戻りは Codex（{receiver}）に届きましたが、その後サインインに失敗しました: {failure}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>The browser&apos;s return on port {port} reached Codex ({receiver}) and no error was logged.</source>
        <translation>ポート {port} へのブラウザーからの戻りは Codex（{receiver}）に届き、エラーは記録されていません。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>No browser return arrived on port {ports}, and Codex logged a failure: {failure}</source>
        <translation>ポート {ports} にブラウザーからの戻りは届かず、Codex は失敗を記録しました: {failure}</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>{listeners} listened, but no browser return arrived on port {ports} within {duration}.</source>
        <translation>{listeners} が待ち受けていましたが、{duration}以内にポート {ports} へブラウザーからの戻りは届きませんでした。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>Nothing listened on port {ports} and no browser return arrived within {duration}: start the sign-in while watching.</source>
        <translation>ポート {ports} で待ち受けるものはなく、{duration}以内にブラウザーからの戻りも届きませんでした。見守っている間にサインインを始めてください。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>Windows itself (http.sys)</source>
        <translation>Windows 自身（http.sys）</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>a program</source>
        <translation>あるプログラム</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>{n:g} second</source>
        <translation>{n:g} 秒</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/watch.py"/>
        <source>{n:g} seconds</source>
        <translation>{n:g} 秒</translation>
    </message>
</context>
<context>
    <name>words</name>
    <message>
        <location filename="../../wizard/checks/ca_env.py"/>
        <location filename="../../wizard/core/i18n.py"/>
        <location filename="../../wizard/fixes/apply.py"/>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <location filename="../../wizard/core/i18n.py"/>
        <source>{sentence} {following}</source>
        <translation>{sentence}{following}</translation>
    </message>
    <message>
        <location filename="../../wizard/core/i18n.py"/>
        <source>{first} and {last}</source>
        <translation>{first}と{last}</translation>
    </message>
    <message>
        <location filename="../../wizard/core/i18n.py"/>
        <source>{first} or {last}</source>
        <translation>{first}または{last}</translation>
    </message>
</context>
<context>
    <name>wsl</name>
    <message>
        <location filename="../../wizard/checks/wsl.py"/>
        <source>WSL is not installed, so it cannot interfere.</source>
        <translation>WSL はインストールされていないため、影響はありません。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/wsl.py"/>
        <source>Only relevant on Windows.</source>
        <translation>Windows の場合だけ関係します。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/wsl.py"/>
        <source>WSL did not answer in time.</source>
        <translation>WSL から時間内に応答がありませんでした。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/wsl.py"/>
        <source>WSL is installed without any Linux system, so Codex cannot run in it.</source>
        <translation>WSL はインストールされていますが Linux のシステムがないため、Codex がその中で動くことはありません。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/wsl.py"/>
        <source>WSL is installed but did not list its Linux systems.</source>
        <translation>WSL はインストールされていますが、Linux のシステムの一覧を返しませんでした。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/wsl.py"/>
        <source>The Codex app runs its agent inside WSL ({where}).</source>
        <translation>Codex アプリはエージェントを WSL の中で動かしています（{where}）。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/wsl.py"/>
        <source>The Codex app&apos;s terminal runs inside WSL ({where}).</source>
        <translation>Codex アプリのターミナルは WSL の中で動いています（{where}）。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/wsl.py"/>
        <source>{editors} runs Codex inside WSL ({where}).</source>
        <translation>{editors} が Codex を WSL の中で動かしています（{where}）。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/wsl.py"/>
        <source>{editors} run Codex inside WSL ({where}).</source>
        <translation>{editors} が Codex を WSL の中で動かしています（{where}）。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/wsl.py"/>
        <source>WSL is installed ({where}); no editor runs Codex inside it.</source>
        <translation>WSL はインストールされていますが（{where}）、その中で Codex を動かしているエディターはありません。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/wsl.py"/>
        <source>, {mode} networking</source>
        <translation>、{mode} ネットワーク</translation>
    </message>
</context>
<context>
    <name>wsl_network</name>
    <message>
        <location filename="../../wizard/checks/wsl_network.py"/>
        <source>Only relevant inside WSL.</source>
        <translation>WSL の中でのみ関係します。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/wsl_network.py"/>
        <source>Codex runs inside WSL ({mode} networking) and is told to use the proxy {proxy}, but nothing inside WSL listens there: a proxy program on Windows cannot be reached at WSL&apos;s own loopback address.</source>
        <translation>Codex は WSL の中で動いていて（{mode} ネットワーク）、プロキシ {proxy} を使うよう設定されていますが、WSL の中ではそこで待ち受けているものがありません。Windows のプロキシ プログラムには、WSL 自身のループバック アドレスでは届きません。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/wsl_network.py"/>
        <source>none</source>
        <translation>なし</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/wsl_network.py"/>
        <source>The name server WSL set for Linux in /etc/resolv.conf ({nameservers}) does not find {host}.</source>
        <translation>WSL が Linux 用に /etc/resolv.conf に設定したネーム サーバー（{nameservers}）が {host} を見つけられません。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/wsl_network.py"/>
        <source>Codex runs inside WSL ({mode} networking); its proxy, packet size and name server show no known WSL problem.</source>
        <translation>Codex は WSL の中で動いています（{mode} ネットワーク）。プロキシ、パケットの大きさ、ネーム サーバーに、WSL の既知の問題は見つかりません。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/wsl_network.py"/>
        <source>Not relevant: Codex does not run inside WSL here.</source>
        <translation>関係ありません: このコンピューターでは Codex は WSL の中で動いていません。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/wsl_network.py"/>
        <source>Could not compare WSL&apos;s packet size with this computer&apos;s.</source>
        <translation>WSL のパケットの大きさを、このコンピューターのものと比べられませんでした。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/wsl_network.py"/>
        <source>WSL&apos;s packet size matches this computer&apos;s connections.</source>
        <translation>WSL のパケットの大きさは、このコンピューターの接続と合っています。</translation>
    </message>
    <message>
        <location filename="../../wizard/checks/wsl_network.py"/>
        <source>WSL sends packets of up to {eth0_mtu} bytes, but the Windows connection {adapter} carries only {adapter_mtu}: connections open, then secure connections can stall.</source>
        <translation>WSL は最大 {eth0_mtu} バイトのパケットを送りますが、Windows の接続 {adapter} は {adapter_mtu} バイトまでしか運べません。接続は開いても、安全な接続が途中で止まることがあります。</translation>
    </message>
</context>
</TS>
